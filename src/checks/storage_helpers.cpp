#include "checks/storage_helpers.hpp"

#include <boost/json.hpp>

namespace dspm::checks::storage {

namespace json = boost::json;
using engine::Evaluation;
using engine::Status;

namespace {

// Worst first, so that a bucket counts by the status that decides its roll-up.
int rank(Status s) {
    switch (s) {
        case Status::non_compliant:
            return 3;
        case Status::error:
            return 2;
        case Status::compliant:
            return 1;
        case Status::skipped:
            return 0;
    }
    return 0;
}

}  // namespace

// GetBucketLocation answers null or "" for the partition's home region (us-east-1 in aws) and
// "EU" for the oldest eu-west-1 buckets.
std::string region_of_location(const json::value& doc, const std::string& home) {
    const auto* v = at_path(doc, "LocationConstraint");
    if (v == nullptr || !v->is_string() || v->get_string().empty()) return home;
    if (v->get_string() == "EU") return "eu-west-1";
    return std::string(v->get_string());
}

BucketList list_buckets(inventory::Facts& facts, const CheckScope& scope) {
    BucketList out;
    if (auto rows = facts.collector_rows("s3-buckets")) {
        if (*rows) {
            for (const auto& row : **rows) {
                BucketRef b{string_at(row, "name"), string_at(row, "region")};
                if (!b.name.empty()) out.buckets.push_back(std::move(b));
            }
            return out;
        }
        out.notes.push_back("collector unavailable (" + rows->error() +
                            "): AWS served the bucket list");
    }
    // Paginated, as AWS asks: an unpaginated ListBuckets is served only to accounts with the
    // default quota of 10,000 general purpose buckets. (2.0-01 lists with the same parameters, so
    // the run's cache serves both.)
    auto list =
        facts.aws_all_pages("s3", "ListBuckets", {{"MaxBuckets", 10000}}, scope.global_region);
    if (!list) {
        out.error = error_evaluation("S3", "*", "Bucket list", list.error(), scope.global_region,
                                     scope.account);
        return out;
    }
    if (const auto* arr = at_path(*list, "Buckets"); arr != nullptr && arr->is_array()) {
        for (const auto& item : arr->get_array()) {
            BucketRef b{string_at(item, "Name"), string_at(item, "BucketRegion")};
            if (!b.name.empty()) out.buckets.push_back(std::move(b));
        }
    }
    return out;
}

BucketRegion locate_bucket(inventory::Facts& facts, const CheckScope& scope, const BucketRef& b) {
    if (!b.region.empty()) return {b.region, {}};
    auto loc = facts.aws("s3", "GetBucketLocation", {{"Bucket", b.name}}, scope.global_region);
    if (loc) return {region_of_location(*loc, scope.global_region), {}};
    // Without the location the AWS layer still follows the wrong-region redirect, so the reads
    // stand; only the region written into the evidence is a guess, and the evidence says so.
    return {scope.global_region,
            "region not confirmed: s3:GetBucketLocation failed (" +
                (loc.error().code.empty() ? std::string(to_string(loc.error().kind))
                                          : loc.error().code) +
                "); " + scope.global_region +
                " is where the bucket was read through S3's redirect"};
}

std::string bucket_region(inventory::Facts& facts, const CheckScope& scope, const BucketRef& b) {
    return locate_bucket(facts, scope, b).region;
}

engine::MappingResult run_per_located_bucket(const CheckInfo& info, inventory::Facts& facts,
                                             const CheckScope& scope,
                                             std::string_view compliant_key,
                                             const LocatedBucketJudge& judge) {
    auto list = list_buckets(facts, scope);
    std::vector<Evaluation> evals;
    if (list.error) {
        evals.push_back(std::move(*list.error));
        auto r = finish(info, std::move(evals), {}, "");
        r.notes = std::move(list.notes);
        return r;
    }
    std::vector<std::vector<Evaluation>> per_bucket(list.buckets.size());
    parallel_for(list.buckets.size(), scope.fanout, [&](std::size_t i) {
        const auto& b = list.buckets[i];
        const auto where = locate_bucket(facts, scope, b);
        per_bucket[i] = judge(facts, scope, b.name, where);
        if (!where.note.empty())
            for (auto& e : per_bucket[i])
                e.extra["regionNote"] = where.note;
    });
    std::size_t compliant = 0, non_compliant = 0, errors = 0;
    for (auto& bucket_evals : per_bucket) {
        Status worst = Status::skipped;
        for (auto& e : bucket_evals) {
            if (rank(e.status) > rank(worst)) worst = e.status;
            evals.push_back(std::move(e));
        }
        compliant += worst == Status::compliant;
        non_compliant += worst == Status::non_compliant;
        errors += worst == Status::error;
    }
    json::object evidence{{"totalBuckets", list.buckets.size()},
                          {compliant_key, compliant},
                          {"nonCompliant", non_compliant},
                          {"errors", errors}};
    auto r = finish(info, std::move(evals), std::move(evidence), "no S3 buckets in the account");
    r.notes = std::move(list.notes);
    return r;
}

engine::MappingResult run_per_bucket_many(const CheckInfo& info, inventory::Facts& facts,
                                          const CheckScope& scope, std::string_view compliant_key,
                                          const BucketMultiJudge& judge) {
    return run_per_located_bucket(
        info, facts, scope, compliant_key,
        [&judge](inventory::Facts& f, const CheckScope& s, const std::string& bucket,
                 const BucketRegion& where) { return judge(f, s, bucket, where.region); });
}

engine::MappingResult run_per_bucket(const CheckInfo& info, inventory::Facts& facts,
                                     const CheckScope& scope, std::string_view compliant_key,
                                     const BucketJudge& judge) {
    return run_per_bucket_many(info, facts, scope, compliant_key,
                               [&judge](inventory::Facts& f, const CheckScope& s,
                                        const std::string& bucket, const std::string& region) {
                                   std::vector<Evaluation> one;
                                   one.push_back(judge(f, s, bucket, region));
                                   return one;
                               });
}

Evaluation not_configured(std::string service, std::string resource_id, std::string evidence_path,
                          std::string checked_field, engine::Comparator comparator,
                          json::value expected, std::string region, std::string account,
                          std::string note) {
    return evaluate({std::move(service), std::move(resource_id), std::move(evidence_path),
                     std::move(checked_field), comparator, std::move(expected), nullptr,
                     engine::Source::aws_sdk, std::move(region), std::move(account),
                     json::object{{"note", std::move(note)}}});
}

json::value value_at(const json::value& doc, std::string_view path) {
    const auto* v = at_path(doc, path);
    return v != nullptr ? *v : json::value(nullptr);
}

std::size_t array_size_at(const json::value& doc, std::string_view path) {
    const auto* v = at_path(doc, path);
    return v != nullptr && v->is_array() ? v->get_array().size() : 0;
}

std::optional<std::vector<std::string>> dynamodb_tables(inventory::Facts& facts,
                                                        const CheckScope& scope,
                                                        const std::string& region,
                                                        const std::optional<json::array>& collector,
                                                        std::vector<Evaluation>& error) {
    std::vector<std::string> names;
    if (collector) {
        for (const auto* row : rows_in_region(*collector, region, facts.default_region())) {
            auto name = first_string(*row, {"name", "table_name"});
            if (!name.empty()) names.push_back(std::move(name));
        }
        return names;
    }
    auto list = facts.aws_all_pages("dynamodb", "ListTables", {}, region);
    if (!list) {
        error.push_back(
            error_evaluation("DynamoDB", "*", "Table list", list.error(), region, scope.account));
        return std::nullopt;
    }
    if (const auto* arr = at_path(*list, "TableNames"); arr != nullptr && arr->is_array()) {
        for (const auto& n : arr->get_array())
            if (n.is_string()) names.emplace_back(n.get_string());
    }
    return names;
}

void judge_each(const std::vector<std::string>& names, std::size_t fanout, const NameJudge& judge,
                std::vector<Evaluation>& out) {
    std::vector<Evaluation> judged(names.size());
    parallel_for(names.size(), fanout, [&](std::size_t i) { judged[i] = judge(names[i]); });
    for (auto& e : judged)
        out.push_back(std::move(e));
}

}  // namespace dspm::checks::storage

namespace dspm::checks::storage {

namespace {

// The replica source of a DescribeDBInstances item; prefix is the item's path.
void set_replica_source(RdsValue& v, const json::value& instance, const std::string& prefix) {
    for (const char* field :
         {"ReadReplicaSourceDBInstanceIdentifier", "ReadReplicaSourceDBClusterIdentifier"}) {
        if (auto source = string_at(instance, field); !source.empty()) {
            v.replica_source = std::move(source);
            v.replica_source_field = prefix + field;
            return;
        }
    }
}

}  // namespace

std::optional<std::vector<RdsValue>> rds_instance_values(
    inventory::Facts& facts, const CheckScope& scope, const std::string& region,
    const std::optional<json::array>& collector, const char* aws_field, const char* column,
    const std::string& checked_field, std::vector<Evaluation>& errors) {
    std::vector<RdsValue> out;
    if (collector) {
        for (const auto* row : rows_in_region(*collector, region, facts.default_region())) {
            RdsValue v;
            v.id = first_string(*row, {"db_instance_identifier", "name"});
            v.cluster = first_string(*row, {"db_cluster_identifier"});
            v.replica_source = first_string(*row, {"read_replica_source_db_instance_identifier"});
            if (!v.replica_source.empty())
                v.replica_source_field = "read_replica_source_db_instance_identifier";
            v.membership_known = row->contains("db_cluster_identifier") &&
                                 row->contains("read_replica_source_db_instance_identifier");
            if (const auto* c = row->if_contains(column)) {
                v.observed = *c;
                v.evidence_path = column;
                v.source = engine::Source::collector;
                out.push_back(std::move(v));
                continue;
            }
            auto doc =
                facts.aws("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", v.id}}, region);
            if (!doc) {
                v.error = error_evaluation("RDS", v.id, checked_field, doc.error(), region,
                                           scope.account);
            } else {
                v.evidence_path = std::string("DBInstances[0].") + aws_field;
                v.observed = value_at(*doc, v.evidence_path);
                v.cluster = string_at(*doc, "DBInstances[0].DBClusterIdentifier");
                if (const auto* item = at_path(*doc, "DBInstances[0]"))
                    set_replica_source(v, *item, "DBInstances[0].");
                v.membership_known = true;
            }
            out.push_back(std::move(v));
        }
        return out;
    }
    auto doc = facts.aws_all_pages("rds", "DescribeDBInstances", {}, region);
    if (!doc) {
        errors.push_back(
            error_evaluation("RDS", "*", "DB instance list", doc.error(), region, scope.account));
        return std::nullopt;
    }
    const auto* items = at_path(*doc, "DBInstances");
    if (items == nullptr || !items->is_array()) return out;
    for (std::size_t i = 0; i < items->get_array().size(); ++i) {
        const auto& item = items->get_array()[i];
        RdsValue v;
        v.id = string_at(item, "DBInstanceIdentifier");
        v.cluster = string_at(item, "DBClusterIdentifier");
        set_replica_source(v, item, indexed("DBInstances", i, "."));
        v.observed = value_at(item, aws_field);
        v.evidence_path = indexed("DBInstances", i, std::string(".") + aws_field);
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace dspm::checks::storage

namespace dspm::checks::storage {

engine::MappingResult presence_per_region(const CheckInfo& info, inventory::Facts& facts,
                                          const CheckScope& scope, const PresenceSpec& spec) {
    std::vector<Evaluation> evals;
    std::vector<std::string> absent;  // one_way checks: regions without the optional resource
    std::size_t ok = 0, bad = 0, err = 0;
    for (const auto& region : scope.regions) {
        auto doc = spec.all_pages ? facts.aws_all_pages(spec.service, spec.operation, {}, region)
                                  : facts.aws(spec.service, spec.operation, {}, region);
        if (!doc) {
            ++err;
            evals.push_back(error_evaluation(spec.service_label, region, spec.checked_field,
                                             doc.error(), region, scope.account));
            continue;
        }
        std::size_t total = 0, qualifying = 0;
        if (const auto* items = at_path(*doc, spec.list_key);
            items != nullptr && items->is_array()) {
            for (const auto& item : items->get_array()) {
                ++total;
                qualifying += !spec.qualifies || spec.qualifies(item);
            }
        }
        if (qualifying == 0 && info.applicability == Applicability::one_way) {
            absent.push_back(region);
            continue;
        }
        json::object extra{{"total", total}};
        if (qualifying == 0) extra["note"] = spec.absent_note;
        auto e = evaluate({spec.service_label, region, spec.list_key, spec.checked_field,
                           engine::Comparator::ge, 1, qualifying, engine::Source::aws_sdk, region,
                           scope.account, std::move(extra)});
        (e.passed ? ok : bad) += 1;
        evals.push_back(std::move(e));
    }
    json::object evidence{{"regions", scope.regions.size()},
                          {spec.compliant_key, ok},
                          {"nonCompliant", bad},
                          {"errors", err}};
    auto result = finish(info, std::move(evals), std::move(evidence), "no audited regions");
    finish_not_evidenced(result, info, absent, spec.checked_field);
    return result;
}

}  // namespace dspm::checks::storage
