#pragma once
// Building blocks of the storage group's checks: the S3 bucket list with each bucket's own region
// (the same reads, with the same parameters, as 2.0-01 so the per-run cache shares them), a
// per-bucket runner, the regional DynamoDB table and RDS instance lists (shared with 2.0-03 and
// 2.0-02), and the record of a "feature not configured" answer.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.hpp"
#include "checks/helpers.hpp"
#include "engine/evaluation.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::storage {

struct BucketRef {
    std::string name;
    std::string region;  // empty until resolved
};

// The buckets of the account: the collector's rows when configured and answering, else
// ListBuckets in the global region. A failed list is an ERROR evaluation in `error`.
struct BucketList {
    std::vector<BucketRef> buckets;
    std::optional<engine::Evaluation> error;
    std::vector<std::string> notes;
};
BucketList list_buckets(inventory::Facts& facts, const CheckScope& scope);

// The bucket's own region (GetBucketLocation in the global region when the list did not say).
std::string bucket_region(inventory::Facts& facts, const CheckScope& scope, const BucketRef& b);
// The region with, when GetBucketLocation failed, the note that it is a guess.
struct BucketRegion {
    std::string region;
    std::string note;  // empty: known (from the list, the collector or GetBucketLocation)
};
BucketRegion locate_bucket(inventory::Facts& facts, const CheckScope& scope, const BucketRef& b);

// The region a GetBucketLocation answer names: null or "" is the partition's home region (`home`),
// "EU" the oldest eu-west-1 buckets.
std::string region_of_location(const boost::json::value& doc, const std::string& home);

using BucketJudge =
    std::function<engine::Evaluation(inventory::Facts& facts, const CheckScope& scope,
                                     const std::string& bucket, const std::string& region)>;

// Lists the buckets, judges each one in its own region (in parallel), and rolls up with evidence
// {"totalBuckets", <compliant_key>, "nonCompliant", "errors"}. A judge may return several
// evaluations for one bucket through judge_many; the bucket counts once, by its worst status.
engine::MappingResult run_per_bucket(const CheckInfo& info, inventory::Facts& facts,
                                     const CheckScope& scope, std::string_view compliant_key,
                                     const BucketJudge& judge);

using BucketMultiJudge = std::function<std::vector<engine::Evaluation>(
    inventory::Facts& facts, const CheckScope& scope, const std::string& bucket,
    const std::string& region)>;
engine::MappingResult run_per_bucket_many(const CheckInfo& info, inventory::Facts& facts,
                                          const CheckScope& scope, std::string_view compliant_key,
                                          const BucketMultiJudge& judge);

// The same, for a judge that needs to know whether the bucket's region was read or guessed (a
// judgement that compares regions must not stand on a guess).
using LocatedBucketJudge = std::function<std::vector<engine::Evaluation>(
    inventory::Facts& facts, const CheckScope& scope, const std::string& bucket,
    const BucketRegion& where)>;
engine::MappingResult run_per_located_bucket(const CheckInfo& info, inventory::Facts& facts,
                                             const CheckScope& scope,
                                             std::string_view compliant_key,
                                             const LocatedBucketJudge& judge);

// "Feature not configured" answers (NoSuchLifecycleConfiguration, ...): NON_COMPLIANT with the
// observed value null and a note, never ERROR.
engine::Evaluation not_configured(std::string service, std::string resource_id,
                                  std::string evidence_path, std::string checked_field,
                                  engine::Comparator comparator, boost::json::value expected,
                                  std::string region, std::string account, std::string note);

// The value at path, or null.
boost::json::value value_at(const boost::json::value& doc, std::string_view path);

// Number of elements of the array at path (0 when absent or not an array).
std::size_t array_size_at(const boost::json::value& doc, std::string_view path);

// DynamoDB table names of one region: collector rows when given, else ListTables (all pages, no
// parameters, as 2.0-03). nullopt with `error` set when the list failed.
std::optional<std::vector<std::string>> dynamodb_tables(
    inventory::Facts& facts, const CheckScope& scope, const std::string& region,
    const std::optional<boost::json::array>& collector, std::vector<engine::Evaluation>& error);

// The resources of one region judged one by one (in parallel); list failures were pushed by the
// lister. Used by the regional per-table and per-file-system checks.
using NameJudge = std::function<engine::Evaluation(const std::string& name)>;
void judge_each(const std::vector<std::string>& names, std::size_t fanout, const NameJudge& judge,
                std::vector<engine::Evaluation>& out);

// One field of every RDS DB instance of a region: the collector's column when the row carries it
// (an old collector without it: DescribeDBInstances of that instance), else DescribeDBInstances
// of the region (all pages, no parameters, as 2.0-02). nullopt when the list failed (the ERROR
// was pushed to `errors`); a failed per-instance read is in the value's `error`.
struct RdsValue {
    std::string id;
    std::string cluster;  // DBClusterIdentifier (Aurora members), empty otherwise
    // ReadReplicaSourceDBInstanceIdentifier, else ReadReplicaSourceDBClusterIdentifier: set when
    // the instance is a read replica; replica_source_field names which one.
    std::string replica_source;
    std::string replica_source_field;
    // false when a collector row did not carry the columns that say whether the instance is a
    // cluster member or a read replica (db_cluster_identifier,
    // read_replica_source_db_instance_identifier): cluster and replica_source are then unknown.
    bool membership_known = true;
    boost::json::value observed;
    std::string evidence_path;
    engine::Source source = engine::Source::aws_sdk;
    std::optional<engine::Evaluation> error;
};
std::optional<std::vector<RdsValue>> rds_instance_values(
    inventory::Facts& facts, const CheckScope& scope, const std::string& region,
    const std::optional<boost::json::array>& collector, const char* aws_field, const char* column,
    const std::string& checked_field, std::vector<engine::Evaluation>& errors);

// "Something of this kind is configured in each audited region": one evaluation per region, count
// of qualifying items of `list_key` (all pages of `operation` with no parameters when
// `all_pages`) >= 1. `qualifies` (optional) filters items; the region is the resource.
struct PresenceSpec {
    const char* service_label;  // "Backup"
    const char* service;        // "backup"
    const char* operation;      // "ListCopyJobs"
    const char* list_key;       // "CopyJobs"
    const char* checked_field;  // "Copy jobs"
    const char* compliant_key;  // evidence key of the regions that pass
    const char* absent_note;    // note when none qualifies
    bool all_pages = true;
    std::function<bool(const boost::json::value&)> qualifies = {};
};
engine::MappingResult presence_per_region(const CheckInfo& info, inventory::Facts& facts,
                                          const CheckScope& scope, const PresenceSpec& spec);

}  // namespace dspm::checks::storage
