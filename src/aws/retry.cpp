#include "aws/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

#include "exec/loop.hpp"

namespace dspm::aws {

bool is_throttling_code(std::string_view code) {
    static constexpr std::array<std::string_view, 15> codes = {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "ThrottlingError",
    };
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

bool is_transient_code(std::string_view code) {
    return code == "RequestTimeout" || code == "RequestTimeoutException" ||
           code == "InternalError" || code == "InternalFailure" || code == "ServiceUnavailable" ||
           code == "InternalServerError" || code == "IDPCommunicationError";
}

RetryClass classify_attempt(int http_status, std::string_view error_code,
                            const net::TransportError* transport) {
    if (transport != nullptr) {
        switch (transport->kind) {
            case net::TransportErrorKind::timeout:
                return RetryClass::timeout;  // botocore's ConnectTimeoutError, ReadTimeoutError
            case net::TransportErrorKind::connect:
            case net::TransportErrorKind::tls:
            case net::TransportErrorKind::other:
                return RetryClass::connection;
            case net::TransportErrorKind::too_large:
            case net::TransportErrorKind::invalid_request:
                return RetryClass::none;
        }
        return RetryClass::none;
    }
    if (http_status >= 200 && http_status < 300) return RetryClass::none;
    if (is_throttling_code(error_code) || http_status == 429) return RetryClass::throttling;
    if (is_transient_code(error_code)) return RetryClass::transient;
    if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
        return RetryClass::transient;
    return RetryClass::none;
}

bool RetryQuota::acquire(int cost) {
    std::lock_guard lock(mutex_);
    if (tokens_ < cost) return false;
    tokens_ -= cost;
    return true;
}

void RetryQuota::release(int cost) {
    std::lock_guard lock(mutex_);
    tokens_ = std::min(capacity_, tokens_ + (cost > 0 ? cost : 1));
}

int RetryQuota::available() const {
    std::lock_guard lock(mutex_);
    return tokens_;
}

RetryPolicy::RetryPolicy(RetryConfig config)
    : config_(std::move(config)), rng_(std::random_device{}()) {}

RetryQuota& RetryPolicy::quota(std::string_view quota_key) {
    std::lock_guard lock(quotas_mutex_);
    auto it = quotas_.find(quota_key);
    if (it == quotas_.end())
        it = quotas_.try_emplace(std::string(quota_key), config_.quota_capacity).first;
    return it->second;
}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(int attempt, RetryClass cls,
                                                                 int* cost,
                                                                 std::string_view quota_key) {
    if (cls == RetryClass::none || attempt >= config_.max_attempts) return std::nullopt;
    const int c = cls == RetryClass::timeout ? config_.timeout_retry_cost : config_.retry_cost;
    if (!quota(quota_key).acquire(c)) return std::nullopt;
    if (cost) *cost = c;
    const double cap = std::min<double>(
        static_cast<double>(config_.max_backoff.count()),
        static_cast<double>(config_.base_delay.count()) * std::pow(2.0, attempt - 1));
    double jitter = 0;
    {
        std::lock_guard lock(rng_mutex_);
        jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    }
    return std::chrono::milliseconds(static_cast<long long>(jitter * cap));
}

void RetryPolicy::on_success(int last_retry_cost, std::string_view quota_key) {
    quota(quota_key).release(last_retry_cost);
}

void RetryPolicy::sleep(std::chrono::milliseconds d) const {
    if (config_.sleeper) {
        config_.sleeper(d);
    } else if (d.count() > 0) {
        exec::sleep_for(d);  // a task suspends; a thread sleeps
    }
}

double RateLimiter::effective_rate(const Bucket& b) const {
    if (rate_ > 0 && b.learned > 0) return std::min(rate_, b.learned);
    return rate_ > 0 ? rate_ : b.learned;
}

void RateLimiter::on_throttled(const std::string& key) {
    if (!adaptive_) return;
    std::lock_guard lock(mutex_);
    auto& b = buckets_[key];
    const auto now = std::chrono::steady_clock::now();
    while (!b.sent.empty() && now - b.sent.front() > std::chrono::seconds(1))
        b.sent.pop_front();
    if (b.learned > 0 && now - b.last_decrease < std::chrono::seconds(1)) return;
    b.last_decrease = now;
    const double measured = static_cast<double>(b.sent.size());
    const double base =
        b.learned > 0 ? std::min(b.learned, std::max(1.0, measured)) : std::max(1.0, measured);
    b.learned = std::max(0.5, base * 0.6);
    // No burst right after being told to slow down.
    b.tokens = b.init ? std::min(b.tokens, 0.0) : 0.0;
    b.init = true;
    b.last = now;
}

void RateLimiter::on_success(const std::string& key) {
    if (!adaptive_) return;
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it != buckets_.end() && it->second.learned > 0) {
        it->second.learned += 0.5 / it->second.learned;
    }
}

double RateLimiter::rate(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    return it == buckets_.end() ? rate_ : effective_rate(it->second);
}

void RateLimiter::acquire(const std::string& key, const Sleeper& sleeper) {
    if (rate_ <= 0 && !adaptive_) return;
    std::chrono::duration<double> wait{0};
    {
        std::lock_guard lock(mutex_);
        auto& b = buckets_[key];
        const auto now = std::chrono::steady_clock::now();
        if (adaptive_) {
            while (!b.sent.empty() && now - b.sent.front() > std::chrono::seconds(1))
                b.sent.pop_front();
            b.sent.push_back(now);
        }
        const double rate = effective_rate(b);
        if (rate <= 0) return;  // adaptive, and never throttled yet
        const double burst = std::max(1.0, rate);
        if (!b.init) {
            b.init = true;
            b.tokens = burst;
            b.last = now;
        }
        b.tokens =
            std::min(burst, b.tokens + std::chrono::duration<double>(now - b.last).count() * rate);
        b.last = now;
        // Reserve the token now (may go negative) so concurrent callers queue up fairly.
        b.tokens -= 1;
        if (b.tokens < 0) wait = std::chrono::duration<double>(-b.tokens / rate);
    }
    if (wait.count() > 0) {
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait);
        if (sleeper) {
            sleeper(ms);
        } else {
            exec::sleep_for(ms);
        }
    }
}

}  // namespace dspm::aws
