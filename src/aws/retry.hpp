#pragma once
// The AWS "standard" retry mode: up to max_attempts (AWS_MAX_ATTEMPTS, default 3), exponential
// backoff with full jitter, a retry quota per service and region so that a failing endpoint is
// not hammered (botocore keeps one per client, and a client serves one service in one region),
// and an optional client-side rate limit per operation and region.
//
// Backoff: delay = random(0, 1) * min(max_backoff, base_delay * 2^(attempt-1)), base 1 s and cap
// 20 s as in botocore's standard mode. Tests scale base_delay down and may inject the sleeper.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace dspm::aws {

bool is_throttling_code(std::string_view code);
bool is_transient_code(std::string_view code);

enum class RetryClass { none, throttling, transient, timeout, connection };

// Why an attempt failed, for the retry decision. status 0 = transport failure. As botocore's
// standard mode, every failure of the transport is retried (its ConnectionError and
// HTTPClientError families: refused, reset, TLS handshake, timeouts), except what does not change
// between attempts: a request that cannot be made as configured, an answer over the size cap.
RetryClass classify_attempt(int http_status, std::string_view error_code,
                            const net::TransportError* transport);

using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct RetryConfig {
    int max_attempts = 3;
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_backoff{20000};
    int quota_capacity = 500;
    int retry_cost = 5;
    int timeout_retry_cost = 10;
    Sleeper sleeper;  // default: exec::sleep_for (a task suspends, a thread sleeps)
};

// The standard mode's retry quota: a token bucket shared by the calls to one service in one
// region.
class RetryQuota {
  public:
    explicit RetryQuota(int capacity) : capacity_(capacity), tokens_(capacity) {}
    bool acquire(int cost);  // false when the bucket cannot pay: do not retry
    void release(int cost);  // success after a retry refunds its cost; otherwise +1
    int available() const;

  private:
    int capacity_;
    int tokens_;
    mutable std::mutex mutex_;
};

class RetryPolicy {
  public:
    explicit RetryPolicy(RetryConfig config);
    const RetryConfig& config() const { return config_; }

    // After attempt number `attempt` (1-based) failed with `cls`: the delay before the next
    // attempt, or nullopt when no retry is allowed (not retryable, attempts or quota exhausted).
    // *cost receives the quota cost paid, for on_success() on a later success. `quota_key` names
    // the quota that pays ("sts/us-east-1"); one policy may serve many services and regions.
    std::optional<std::chrono::milliseconds> next_delay(int attempt, RetryClass cls, int* cost,
                                                        std::string_view quota_key = {});
    void on_success(int last_retry_cost, std::string_view quota_key = {});
    void sleep(std::chrono::milliseconds d) const;
    RetryQuota& quota(std::string_view quota_key = {});

  private:
    RetryConfig config_;
    std::mutex quotas_mutex_;
    // Node-based: a quota handed out by reference stays where it is while others are added.
    std::map<std::string, RetryQuota, std::less<>> quotas_;
    std::mutex rng_mutex_;
    std::mt19937_64 rng_;
};

// Token bucket per key (operation and region): at most `rate` requests per second, bursts of
// max(1, rate). Adaptive (AWS's "adaptive" retry mode, simplified to AIMD): a throttled answer
// sets the key's rate to 60 % of what was sent in the last second (once per second: the answers to
// requests already in flight say nothing new), each success adds 0.5/rate (about +0.5 request/s per
// second), so the client settles just under a limit it was never told.
class RateLimiter {
  public:
    explicit RateLimiter(double rate_per_second, bool adaptive = false)
        : rate_(rate_per_second), adaptive_(adaptive) {}
    // Blocks (through `sleeper` when given) until a request may go; no-op without any rate.
    void acquire(const std::string& key, const Sleeper& sleeper = {});
    void on_throttled(const std::string& key);
    void on_success(const std::string& key);
    // The key's current rate (requests/s; 0: unlimited). For tests and logs.
    double rate(const std::string& key);

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point last;
        bool init = false;
        double learned = 0;  // adaptive rate; 0 until the first throttled answer
        std::chrono::steady_clock::time_point last_decrease;
        std::deque<std::chrono::steady_clock::time_point> sent;  // the last second's requests
    };
    double effective_rate(const Bucket& b) const;
    double rate_;
    bool adaptive_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

}  // namespace dspm::aws
