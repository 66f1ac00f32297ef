#pragma once
// Facts: what checks read, and nothing else. Every read goes through one per-run cache keyed by
// (account, region, service, operation, canonical parameters), so that a read shared by several
// checks (or asked for by two checks at the same moment) reaches AWS once.
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/client.hpp"
#include "aws/error.hpp"
#include "common/expected.hpp"
#include "exec/loop.hpp"

namespace dspm::inventory {

using AwsResult = Expected<boost::json::value, aws::AwsError>;
using CollectorResult = Expected<boost::json::array, std::string>;

// The Resource Collector API: rows with Steampipe's column names, one per resource.
class CollectorSource {
  public:
    virtual ~CollectorSource() = default;
    // kind: "s3-buckets", "rds-instances", "dynamodb-tables", "redshift-clusters", ...
    // An error string names what failed (never secrets).
    virtual CollectorResult rows(std::string_view kind) = 0;
};

class Facts {
  public:
    virtual ~Facts() = default;
    // region empty: the client's default region.
    virtual AwsResult aws(std::string_view service, std::string_view operation,
                          const boost::json::object& params, std::string_view region = {}) = 0;
    virtual AwsResult aws_all_pages(std::string_view service, std::string_view operation,
                                    const boost::json::object& params,
                                    std::string_view region = {}) = 0;
    // nullopt when no collector is configured.
    virtual std::optional<CollectorResult> collector_rows(std::string_view kind) = 0;
    virtual std::string account() const = 0;
    virtual std::string default_region() const = 0;
};

// Serialises a JSON value with object keys sorted, so equal parameters give equal cache keys.
std::string canonical_json(const boost::json::value& value);

// The per-run fact cache over an AwsClient and an optional collector. Thread-safe.
class CachedFacts final : public Facts {
  public:
    // max_in_flight bounds the AWS calls this run has open at once (0: no bound), so that the
    // run's parallelism is one number however many checks and per-resource reads overlap.
    CachedFacts(std::shared_ptr<aws::AwsClient> client, std::shared_ptr<CollectorSource> collector,
                std::string account = {}, std::size_t max_in_flight = 0);

    AwsResult aws(std::string_view service, std::string_view operation,
                  const boost::json::object& params, std::string_view region = {}) override;
    AwsResult aws_all_pages(std::string_view service, std::string_view operation,
                            const boost::json::object& params,
                            std::string_view region = {}) override;
    std::optional<CollectorResult> collector_rows(std::string_view kind) override;
    std::string account() const override;
    std::string default_region() const override;

    void set_account(std::string account);
    // Once *stop is true, reads not yet started fail at once (code "Cancelled") instead of going
    // to AWS, so a cancelled run ends within the reads already in flight. Polled: a read waiting
    // for an in-flight slot sees it when a slot frees; cancel() wakes it at once.
    void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }
    // The same as *stop turning true, and it wakes the reads waiting for a slot. For a run whose
    // client left, and for a run whose answer is final. Thread-safe and idempotent.
    void cancel();
    bool cancelled() const;
    // One read on behalf of a caller with its own stop flag (a check's CheckFacts): once it is
    // true, that caller's reads not yet started fail, without failing the same read for others.
    AwsResult read(bool all_pages, std::string_view service, std::string_view operation,
                   const boost::json::object& params, std::string_view region,
                   const std::atomic<bool>* caller_stop);
    // A caller's stop flag turned true: its reads waiting for a slot look at it now.
    void wake_waiters();
    // Distinct reads that went to AWS (cache misses), and reads answered from the cache.
    std::size_t aws_reads() const { return aws_reads_.load(); }
    std::size_t cache_hits() const { return cache_hits_.load(); }

  private:
    // What a read leaves in the cache, once `ready` is set. abandoned: its caller stopped before
    // it reached AWS, so whoever else waits for it reads it afresh. The waits are exec's: a check
    // waiting for another's read suspends as a task.
    struct Shared {
        exec::Event ready;
        std::optional<AwsResult> result;
        bool abandoned = false;
    };
    template <class T>
    struct Flight {
        exec::Event ready;
        std::optional<T> value;
    };
    enum class Gate { granted, run_stopped, caller_stopped };
    Gate acquire(const std::atomic<bool>* caller_stop);
    void release();
    bool run_stopped() const;

    std::shared_ptr<aws::AwsClient> client_;
    std::shared_ptr<CollectorSource> collector_;
    mutable std::mutex mutex_;
    std::string account_;
    std::map<std::string, std::shared_ptr<Shared>> aws_cache_;
    std::map<std::string, std::shared_ptr<Flight<CollectorResult>>> collector_cache_;
    // The in-flight gate: at most max_in_flight_ reads at AWS (0: no bound). A waiting read wakes
    // when a slot frees (first come, first served), when the run is cancelled, and when
    // wake_waiters() is called; woken, it looks again.
    std::mutex gate_mutex_;
    std::deque<std::shared_ptr<exec::Event>> gate_waiters_;
    std::size_t max_in_flight_ = 0;
    std::size_t in_flight_ = 0;
    const std::atomic<bool>* stop_ = nullptr;
    std::atomic<bool> cancelled_{false};
    std::atomic<std::size_t> aws_reads_{0};
    std::atomic<std::size_t> cache_hits_{0};
};

// One check's view of its run's facts. Cancelling it (the check ran past its timeout and its
// result is final) fails that check's reads not yet started at once, while the reads it shares
// with checks still running go on for them.
class CheckFacts final : public Facts {
  public:
    explicit CheckFacts(std::shared_ptr<CachedFacts> run) : run_(std::move(run)) {}

    AwsResult aws(std::string_view service, std::string_view operation,
                  const boost::json::object& params, std::string_view region = {}) override;
    AwsResult aws_all_pages(std::string_view service, std::string_view operation,
                            const boost::json::object& params,
                            std::string_view region = {}) override;
    std::optional<CollectorResult> collector_rows(std::string_view kind) override;
    std::string account() const override { return run_->account(); }
    std::string default_region() const override { return run_->default_region(); }

    void cancel();

  private:
    std::shared_ptr<CachedFacts> run_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace dspm::inventory
