#include "inventory/facts.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <exception>
#include <utility>
#include <vector>

namespace dspm::inventory {

namespace json = boost::json;

namespace {

void append_canonical(const json::value& v, std::string& out) {
    if (v.is_object()) {
        const auto& o = v.get_object();
        std::vector<std::pair<std::string_view, const json::value*>> items;
        items.reserve(o.size());
        for (const auto& kv : o)
            items.emplace_back(kv.key(), &kv.value());
        std::sort(items.begin(), items.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        out += '{';
        bool first = true;
        for (const auto& [k, val] : items) {
            if (!first) out += ',';
            first = false;
            out += json::serialize(json::string(k));
            out += ':';
            append_canonical(*val, out);
        }
        out += '}';
    } else if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first) out += ',';
            first = false;
            append_canonical(item, out);
        }
        out += ']';
    } else {
        out += json::serialize(v);
    }
}

// Single-flight lookup: the first caller of a key runs `produce`; callers arriving while it runs
// wait for the same shared_future instead of repeating the read.
template <class T, class Produce>
T single_flight(std::mutex& mutex, std::map<std::string, std::shared_future<T>>& cache,
                const std::string& key, std::atomic<std::size_t>* hits, Produce produce,
                T (*on_exception)(const char*)) {
    std::promise<T> promise;
    std::unique_lock lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) {
        auto future = it->second;
        if (hits != nullptr) ++*hits;
        lock.unlock();  // the producer needs no lock to finish
        return future.get();
    }
    cache.emplace(key, promise.get_future().share());
    lock.unlock();
    try {
        T value = produce();
        promise.set_value(value);
        return value;
    } catch (const std::exception& e) {
        T failure = on_exception(e.what());
        promise.set_value(failure);
        return failure;
    }
}

AwsResult aws_exception(const char* what) {
    aws::AwsError e;
    e.kind = aws::ErrorKind::service;
    e.code = "InternalError";
    e.message = what;
    return unexpected(std::move(e));
}

CollectorResult collector_exception(const char* what) {
    return unexpected(std::string(what));
}

AwsResult cancelled_read(std::string_view service, std::string_view operation,
                         const std::string& region) {
    aws::AwsError cancelled;
    cancelled.kind = aws::ErrorKind::service;
    cancelled.service = std::string(service);
    cancelled.operation = std::string(operation);
    cancelled.code = "Cancelled";
    cancelled.message = "the audit run was cancelled before this read";
    cancelled.region = region;
    return unexpected(std::move(cancelled));
}

bool raised(const std::atomic<bool>* flag) {
    return flag != nullptr && flag->load();
}

}  // namespace

std::string canonical_json(const json::value& value) {
    std::string out;
    append_canonical(value, out);
    return out;
}

CachedFacts::CachedFacts(std::shared_ptr<aws::AwsClient> client,
                         std::shared_ptr<CollectorSource> collector, std::string account,
                         std::size_t max_in_flight)
    : client_(std::move(client)),
      collector_(std::move(collector)),
      account_(std::move(account)),
      max_in_flight_(max_in_flight) {}

AwsResult CachedFacts::aws(std::string_view service, std::string_view operation,
                           const json::object& params, std::string_view region) {
    return read(false, service, operation, params, region, nullptr);
}

AwsResult CachedFacts::aws_all_pages(std::string_view service, std::string_view operation,
                                     const json::object& params, std::string_view region) {
    return read(true, service, operation, params, region, nullptr);
}

bool CachedFacts::run_stopped() const {
    return cancelled_.load() || raised(stop_);
}

bool CachedFacts::cancelled() const {
    return run_stopped();
}

void CachedFacts::cancel() {
    cancelled_ = true;
    wake_waiters();
}

void CachedFacts::wake_waiters() {
    // Taking the lock orders the flag change before a waiter's next look at it.
    { std::lock_guard lock(gate_mutex_); }
    gate_cv_.notify_all();
}

CachedFacts::Gate CachedFacts::acquire(const std::atomic<bool>* caller_stop) {
    std::unique_lock lock(gate_mutex_);
    const auto verdict = [&] {
        if (run_stopped()) return Gate::run_stopped;
        if (raised(caller_stop)) return Gate::caller_stopped;
        return Gate::granted;
    };
    const auto free_slot = [&] { return max_in_flight_ == 0 || in_flight_ < max_in_flight_; };
    gate_cv_.wait(lock, [&] { return verdict() != Gate::granted || free_slot(); });
    const Gate gate = verdict();
    if (gate == Gate::granted) {
        ++in_flight_;
    } else if (free_slot()) {
        // This waiter may have taken the wake-up of a freed slot: pass it on.
        gate_cv_.notify_one();
    }
    return gate;
}

void CachedFacts::release() {
    {
        std::lock_guard lock(gate_mutex_);
        --in_flight_;
    }
    gate_cv_.notify_one();
}

AwsResult CachedFacts::read(bool all_pages, std::string_view service, std::string_view operation,
                            const json::object& params, std::string_view region,
                            const std::atomic<bool>* caller_stop) {
    const std::string effective_region =
        region.empty() ? client_->default_region() : std::string(region);
    if (run_stopped() || raised(caller_stop))
        return cancelled_read(service, operation, effective_region);
    const std::string key = account() + '|' + effective_region + '|' + std::string(service) + '|' +
                            std::string(operation) + (all_pages ? "|all|" : "|one|") +
                            canonical_json(params);
    // Single flight: the first caller of a key reads it; callers arriving meanwhile wait for the
    // same answer instead of repeating the read.
    for (;;) {
        std::unique_lock lock(mutex_);
        if (auto it = aws_cache_.find(key); it != aws_cache_.end()) {
            auto future = it->second;
            lock.unlock();  // the producer needs no lock to finish
            const Shared& shared = future.get();
            if (!shared.abandoned) {
                ++cache_hits_;
                return shared.result;
            }
            if (run_stopped() || raised(caller_stop))
                return cancelled_read(service, operation, effective_region);
            continue;  // its first caller gave up before reading: read it for this one
        }
        std::promise<Shared> promise;
        aws_cache_.emplace(key, promise.get_future().share());
        lock.unlock();

        const Gate gate = acquire(caller_stop);
        if (gate != Gate::granted) {
            AwsResult failure = cancelled_read(service, operation, effective_region);
            if (gate == Gate::caller_stopped) {
                // Only this caller stopped: the next one to ask reads it afresh.
                lock.lock();
                aws_cache_.erase(key);
                lock.unlock();
            }
            promise.set_value(Shared{failure, gate == Gate::caller_stopped});
            return failure;
        }
        ++aws_reads_;
        AwsResult result = [&]() -> AwsResult {
            try {
                aws::CallOptions options{effective_region};
                return all_pages ? client_->call_all_pages(service, operation, params, options)
                                 : client_->call(service, operation, params, options);
            } catch (const std::exception& e) {
                return aws_exception(e.what());
            }
        }();
        release();
        promise.set_value(Shared{result, false});
        return result;
    }
}

std::optional<CollectorResult> CachedFacts::collector_rows(std::string_view kind) {
    if (!collector_) return std::nullopt;
    if (run_stopped())
        return CollectorResult(
            unexpected(std::string("the audit run was cancelled before this read")));
    return single_flight<CollectorResult>(
        mutex_, collector_cache_, std::string(kind), nullptr,
        [&]() { return collector_->rows(kind); }, &collector_exception);
}

std::string CachedFacts::account() const {
    std::lock_guard lock(mutex_);
    return account_;
}

std::string CachedFacts::default_region() const {
    return client_->default_region();
}

void CachedFacts::set_account(std::string account) {
    std::lock_guard lock(mutex_);
    account_ = std::move(account);
}

AwsResult CheckFacts::aws(std::string_view service, std::string_view operation,
                          const json::object& params, std::string_view region) {
    return run_->read(false, service, operation, params, region, &cancelled_);
}

AwsResult CheckFacts::aws_all_pages(std::string_view service, std::string_view operation,
                                    const json::object& params, std::string_view region) {
    return run_->read(true, service, operation, params, region, &cancelled_);
}

std::optional<CollectorResult> CheckFacts::collector_rows(std::string_view kind) {
    if (cancelled_.load())
        return CollectorResult(unexpected(std::string("the check was cancelled before this read")));
    return run_->collector_rows(kind);
}

void CheckFacts::cancel() {
    cancelled_ = true;
    run_->wake_waiters();
}

}  // namespace dspm::inventory
