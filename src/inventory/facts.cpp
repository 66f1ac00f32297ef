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

}  // namespace

std::string canonical_json(const json::value& value) {
    std::string out;
    append_canonical(value, out);
    return out;
}

CachedFacts::CachedFacts(std::shared_ptr<aws::AwsClient> client,
                         std::shared_ptr<CollectorSource> collector, std::string account,
                         std::size_t max_in_flight)
    : client_(std::move(client)), collector_(std::move(collector)), account_(std::move(account)) {
    if (max_in_flight > 0) {
        in_flight_ =
            std::make_unique<std::counting_semaphore<>>(static_cast<std::ptrdiff_t>(max_in_flight));
    }
}

AwsResult CachedFacts::aws(std::string_view service, std::string_view operation,
                           const json::object& params, std::string_view region) {
    return cached(false, service, operation, params, region);
}

AwsResult CachedFacts::aws_all_pages(std::string_view service, std::string_view operation,
                                     const json::object& params, std::string_view region) {
    return cached(true, service, operation, params, region);
}

AwsResult CachedFacts::cached(bool all_pages, std::string_view service, std::string_view operation,
                              const json::object& params, std::string_view region) {
    const std::string effective_region =
        region.empty() ? client_->default_region() : std::string(region);
    std::string key = account() + '|' + effective_region + '|' + std::string(service) + '|' +
                      std::string(operation) + (all_pages ? "|all|" : "|one|") +
                      canonical_json(params);
    return single_flight<AwsResult>(
        mutex_, aws_cache_, key, &cache_hits_,
        [&]() -> AwsResult {
            ++aws_reads_;
            struct Slot {
                std::counting_semaphore<>* s;
                explicit Slot(std::counting_semaphore<>* sem) : s(sem) {
                    if (s) s->acquire();
                }
                ~Slot() {
                    if (s) s->release();
                }
                Slot(const Slot&) = delete;
                Slot& operator=(const Slot&) = delete;
            } slot(in_flight_.get());
            if (stop_ != nullptr && stop_->load()) {
                --aws_reads_;
                aws::AwsError cancelled;
                cancelled.kind = aws::ErrorKind::service;
                cancelled.service = std::string(service);
                cancelled.operation = std::string(operation);
                cancelled.code = "Cancelled";
                cancelled.message = "the audit run was cancelled before this read";
                cancelled.region = effective_region;
                return unexpected(std::move(cancelled));
            }
            aws::CallOptions options{effective_region};
            return all_pages ? client_->call_all_pages(service, operation, params, options)
                             : client_->call(service, operation, params, options);
        },
        &aws_exception);
}

std::optional<CollectorResult> CachedFacts::collector_rows(std::string_view kind) {
    if (!collector_) return std::nullopt;
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

}  // namespace dspm::inventory
