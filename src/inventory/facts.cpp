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
    std::deque<std::shared_ptr<exec::Event>> waiters;
    {
        // Under the lock: the flag change is ordered before a woken waiter's next look at it.
        std::lock_guard lock(gate_mutex_);
        waiters.swap(gate_waiters_);
    }
    for (auto& w : waiters)
        w->set();
}

CachedFacts::Gate CachedFacts::acquire(const std::atomic<bool>* caller_stop) {
    for (;;) {
        std::shared_ptr<exec::Event> woken;
        std::shared_ptr<exec::Event> pass_on;
        {
            std::lock_guard lock(gate_mutex_);
            const bool free_slot = max_in_flight_ == 0 || in_flight_ < max_in_flight_;
            Gate gate = Gate::granted;
            if (run_stopped())
                gate = Gate::run_stopped;
            else if (raised(caller_stop))
                gate = Gate::caller_stopped;
            if (gate == Gate::granted && free_slot) {
                ++in_flight_;
                return gate;
            }
            if (gate != Gate::granted) {
                // This waiter may have been handed a freed slot: pass it on.
                if (free_slot && !gate_waiters_.empty()) {
                    pass_on = std::move(gate_waiters_.front());
                    gate_waiters_.pop_front();
                }
                if (pass_on) pass_on->set();
                return gate;
            }
            woken = std::make_shared<exec::Event>();
            gate_waiters_.push_back(woken);
        }
        woken->wait();
    }
}

void CachedFacts::release() {
    std::shared_ptr<exec::Event> next;
    {
        std::lock_guard lock(gate_mutex_);
        --in_flight_;
        if (!gate_waiters_.empty()) {
            next = std::move(gate_waiters_.front());
            gate_waiters_.pop_front();
        }
    }
    if (next) next->set();
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
            auto shared = it->second;
            lock.unlock();  // the producer needs no lock to finish
            shared->ready.wait();
            if (!shared->abandoned) {
                ++cache_hits_;
                return *shared->result;
            }
            if (run_stopped() || raised(caller_stop))
                return cancelled_read(service, operation, effective_region);
            continue;  // its first caller gave up before reading: read it for this one
        }
        auto slot = std::make_shared<Shared>();
        aws_cache_.emplace(key, slot);
        lock.unlock();
        const auto fulfil = [&slot](AwsResult result, bool abandoned) {
            slot->result = std::move(result);
            slot->abandoned = abandoned;
            slot->ready.set();
        };

        const Gate gate = acquire(caller_stop);
        if (gate != Gate::granted) {
            AwsResult failure = cancelled_read(service, operation, effective_region);
            if (gate == Gate::caller_stopped) {
                // Only this caller stopped: the next one to ask reads it afresh.
                lock.lock();
                aws_cache_.erase(key);
                lock.unlock();
            }
            fulfil(failure, gate == Gate::caller_stopped);
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
        fulfil(result, false);
        return result;
    }
}

std::optional<CollectorResult> CachedFacts::collector_rows(std::string_view kind) {
    if (!collector_) return std::nullopt;
    if (run_stopped())
        return CollectorResult(
            unexpected(std::string("the audit run was cancelled before this read")));
    // Single flight: the first caller of a kind reads it, callers arriving meanwhile wait for it.
    std::unique_lock lock(mutex_);
    const std::string key(kind);
    if (auto it = collector_cache_.find(key); it != collector_cache_.end()) {
        auto flight = it->second;
        lock.unlock();
        flight->ready.wait();
        return *flight->value;
    }
    auto flight = std::make_shared<Flight<CollectorResult>>();
    collector_cache_.emplace(key, flight);
    lock.unlock();
    try {
        flight->value = collector_->rows(kind);
    } catch (const std::exception& e) {
        flight->value = collector_exception(e.what());
    }
    flight->ready.set();
    return *flight->value;
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
    // Reads made before the account was known (the run's own sts:GetCallerIdentity) were this
    // account's: filed under it too, so that a check asking again is answered from the cache.
    if (account_.empty() && !account.empty()) {
        std::vector<std::pair<std::string, std::shared_ptr<Shared>>> early;
        for (const auto& [key, slot] : aws_cache_)
            if (!key.empty() && key.front() == '|') early.emplace_back(account + key, slot);
        for (auto& [key, slot] : early)
            aws_cache_.emplace(std::move(key), std::move(slot));
    }
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
