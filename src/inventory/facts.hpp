#pragma once
// Facts: what checks read, and nothing else. Every read goes through one per-run cache keyed by
// (account, region, service, operation, canonical parameters), so that a read shared by several
// checks (or asked for by two checks at the same moment) reaches AWS once.
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

#include "aws/client.hpp"
#include "aws/error.hpp"
#include "common/expected.hpp"

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
    // to AWS, so a cancelled run ends within the reads already in flight.
    void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }
    // Distinct reads that went to AWS (cache misses), and reads answered from the cache.
    std::size_t aws_reads() const { return aws_reads_.load(); }
    std::size_t cache_hits() const { return cache_hits_.load(); }

  private:
    AwsResult cached(bool all_pages, std::string_view service, std::string_view operation,
                     const boost::json::object& params, std::string_view region);

    std::shared_ptr<aws::AwsClient> client_;
    std::shared_ptr<CollectorSource> collector_;
    mutable std::mutex mutex_;
    std::string account_;
    std::map<std::string, std::shared_future<AwsResult>> aws_cache_;
    std::map<std::string, std::shared_future<CollectorResult>> collector_cache_;
    std::unique_ptr<std::counting_semaphore<>> in_flight_;
    const std::atomic<bool>* stop_ = nullptr;
    std::atomic<std::size_t> aws_reads_{0};
    std::atomic<std::size_t> cache_hits_{0};
};

}  // namespace dspm::inventory
