// 3.0-10 Versioning of the log buckets: the mapping protects the integrity of logs, so the buckets
// judged are those that receive logs, found from the other facts of the run: CloudTrail trails
// (S3BucketName), S3 server access logging targets (LoggingEnabled.TargetBucket), ELBv2 access and
// connection logs, CloudFront standard logging (Logging.Bucket), AWS Config delivery channels and
// VPC flow logs delivered to S3. Each such bucket of this account passes when its versioning
// Status is Enabled (never enabled: no Status, fails; Suspended fails). A bucket that is not the
// destination of any log is not judged here: overwriting its objects is not a log-integrity risk.
//
// The reads are those of 3.0-01, 14.0-02, 3.0-07, 3.0-08, 3.0-03 and 3.0-05, with the same
// parameters, so the run's fact cache serves them once. A source that could not be read is an
// ERROR (a log bucket may hide behind it). A log bucket of another account (an organisation's log
// archive) is listed in the evidence, to be judged from its owner; it is not judged from here.
// Vended logs delivered through CloudWatch Logs' delivery API (CloudFront standard logging v2 and
// the other services that log that way) count too: DescribeDeliveries (every page, each audited
// region and the partition's global region, where CloudFront's live) names the delivery
// destination of each delivery, DescribeDeliveryDestinations its destinationResourceArn; an S3
// destination's bucket is a log bucket. A destination no delivery uses receives nothing and is
// not counted.
#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Versioning status";

// The bucket of an S3 ARN ("arn:aws:s3:::bucket/prefix"), empty when it is not one.
std::string bucket_of_arn(const std::string& arn) {
    if (arn.rfind("arn:", 0) != 0) return {};
    const auto at = arn.find(":s3:::");
    if (at == std::string::npos) return {};
    const auto name = arn.substr(at + 6);
    return name.substr(0, name.find('/'));
}

// CloudFront names its log bucket by domain: "bucket.s3.amazonaws.com" (or a regional form).
std::string bucket_of_domain(const std::string& domain) {
    const auto at = domain.find(".s3.");
    if (at != std::string::npos) return domain.substr(0, at);
    const auto dash = domain.find(".s3-");
    return dash != std::string::npos ? domain.substr(0, dash) : domain;
}

// Log buckets found so far, each with the log sources that write to it. Thread-safe.
class LogBuckets {
  public:
    void add(const std::string& bucket, std::string source) {
        if (bucket.empty()) return;
        std::lock_guard lock(mutex_);
        sources_[bucket].insert(std::move(source));
    }
    void error(Evaluation e) {
        std::lock_guard lock(mutex_);
        errors_.push_back(std::move(e));
    }
    std::map<std::string, std::set<std::string>> sources_;
    std::vector<Evaluation> errors_;

  private:
    std::mutex mutex_;
};

void from_trails(inventory::Facts& facts, const CheckScope& scope, LogBuckets& out) {
    auto trails = detection::describe_trails(facts, scope, "Trail log buckets");
    for (auto& e : trails.errors)
        out.error(std::move(e));
    for (const auto& t : trails.trails)
        out.add(string_at(t.doc, "S3BucketName"), "CloudTrail trail " + t.arn);
}

void from_access_logging(inventory::Facts& facts, const CheckScope& scope,
                         const std::vector<storage::BucketRef>& buckets, LogBuckets& out) {
    parallel_for(buckets.size(), scope.fanout, [&](std::size_t i) {
        const auto& b = buckets[i];
        const auto region = storage::bucket_region(facts, scope, b);
        auto doc = facts.aws("s3", "GetBucketLogging", {{"Bucket", b.name}}, region);
        if (!doc) {
            out.error(error_evaluation("S3", b.name, "Server access logging target", doc.error(),
                                       region, scope.account));
            return;
        }
        out.add(string_at(*doc, "LoggingEnabled.TargetBucket"),
                "S3 server access logs of bucket " + b.name);
    });
}

void from_load_balancers(inventory::Facts& facts, const CheckScope& scope, LogBuckets& out) {
    for (const auto& region : scope.regions) {
        net::Evals errors;
        auto lbs = net::list_items(facts, scope, region, "ELBv2", "elbv2", "DescribeLoadBalancers",
                                   {}, "LoadBalancers", "Load balancer list", errors);
        for (auto& e : errors)
            out.error(std::move(e));
        if (!lbs) continue;
        std::vector<const json::value*> in_scope;
        for (const auto& lb : *lbs)
            if (string_at(lb, "Type") != "gateway") in_scope.push_back(&lb);
        parallel_for(in_scope.size(), scope.fanout, [&](std::size_t i) {
            const std::string arn = string_at(*in_scope[i], "LoadBalancerArn");
            const std::string name = string_at(*in_scope[i], "LoadBalancerName");
            auto doc = facts.aws("elbv2", "DescribeLoadBalancerAttributes",
                                 {{"LoadBalancerArn", arn}}, region);
            if (!doc) {
                out.error(error_evaluation("ELBv2", name, "Access log bucket", doc.error(), region,
                                           scope.account));
                return;
            }
            std::map<std::string, std::string> attrs;
            for (const auto& a : detection::array_at(*doc, "Attributes"))
                attrs[string_at(a, "Key")] = string_at(a, "Value");
            for (const char* kind : {"access_logs", "connection_logs"}) {
                const std::string k = kind;
                if (attrs[k + ".s3.enabled"] == "true")
                    out.add(attrs[k + ".s3.bucket"], "ELBv2 " + k + " of " + arn);
            }
        });
    }
}

void from_cloudfront(inventory::Facts& facts, const CheckScope& scope, LogBuckets& out) {
    net::Evals errors;
    auto dists =
        net::cloudfront_distributions(facts, scope, "", true, "Standard logging bucket", errors);
    for (auto& e : errors)
        out.error(std::move(e));
    if (!dists) return;
    for (const auto& d : *dists) {
        const auto* enabled = at_path(d.config, "Logging.Enabled");
        if (enabled != nullptr && enabled->is_bool() && enabled->get_bool())
            out.add(bucket_of_domain(string_at(d.config, "Logging.Bucket")),
                    "CloudFront standard logs of distribution " + d.id);
    }
}

void from_config_and_flow_logs(inventory::Facts& facts, const CheckScope& scope, LogBuckets& out) {
    parallel_for(scope.regions.size(), scope.fanout, [&](std::size_t i) {
        const auto& region = scope.regions[i];
        auto channels = facts.aws("config", "DescribeDeliveryChannels", {}, region);
        if (!channels) {
            out.error(error_evaluation("Config", "*", "Delivery channel bucket", channels.error(),
                                       region, scope.account));
        } else {
            for (const auto& c : detection::array_at(*channels, "DeliveryChannels"))
                out.add(
                    string_at(c, "s3BucketName"),
                    "AWS Config delivery channel " + string_at(c, "name") + " (" + region + ")");
        }
        auto flows = facts.aws_all_pages("ec2", "DescribeFlowLogs", {}, region);
        if (!flows) {
            out.error(error_evaluation("EC2", "*", "Flow log bucket", flows.error(), region,
                                       scope.account));
            return;
        }
        for (const auto& f : detection::array_at(*flows, "FlowLogs"))
            if (string_at(f, "LogDestinationType") == "s3")
                out.add(bucket_of_arn(string_at(f, "LogDestination")),
                        "VPC flow log " + string_at(f, "FlowLogId") + " (" + region + ")");
    });
}

void from_vended_log_deliveries(inventory::Facts& facts, const CheckScope& scope, LogBuckets& out) {
    std::vector<std::string> regions = scope.regions;
    if (std::find(regions.begin(), regions.end(), scope.global_region) == regions.end())
        regions.push_back(scope.global_region);
    parallel_for(regions.size(), scope.fanout, [&](std::size_t i) {
        const auto& region = regions[i];
        auto deliveries = facts.aws_all_pages("logs", "DescribeDeliveries", {}, region);
        if (!deliveries) {
            out.error(error_evaluation("CloudWatch Logs", "*", "Vended log delivery bucket",
                                       deliveries.error(), region, scope.account));
            return;
        }
        std::map<std::string, std::string> used;  // destination ARN -> its first source
        for (const auto& d : detection::array_at(*deliveries, "deliveries"))
            if (string_at(d, "deliveryDestinationType") == "S3")
                used.emplace(string_at(d, "deliveryDestinationArn"),
                             string_at(d, "deliverySourceName"));
        if (used.empty()) return;
        auto destinations = facts.aws_all_pages("logs", "DescribeDeliveryDestinations", {}, region);
        if (!destinations) {
            out.error(error_evaluation("CloudWatch Logs", "*", "Vended log delivery bucket",
                                       destinations.error(), region, scope.account));
            return;
        }
        for (const auto& dest : detection::array_at(*destinations, "deliveryDestinations")) {
            auto it = used.find(string_at(dest, "arn"));
            if (it == used.end()) continue;
            out.add(bucket_of_arn(
                        string_at(dest, "deliveryDestinationConfiguration.destinationResourceArn")),
                    "vended log delivery from " + it->second + " (" + region + ")");
        }
    });
}

Evaluation judge(inventory::Facts& facts, const CheckScope& scope, const storage::BucketRef& bucket,
                 const std::set<std::string>& sources) {
    const auto where = storage::locate_bucket(facts, scope, bucket);
    json::array from;
    for (const auto& s : sources)
        from.emplace_back(s);
    auto doc = facts.aws("s3", "GetBucketVersioning", {{"Bucket", bucket.name}}, where.region);
    if (!doc) {
        auto e =
            error_evaluation("S3", bucket.name, kField, doc.error(), where.region, scope.account);
        e.extra["logSources"] = std::move(from);
        return e;
    }
    json::object extra{{"logSources", std::move(from)}};
    auto status = storage::value_at(*doc, "Status");
    if (status.is_null()) extra["note"] = "versioning was never enabled on the log bucket";
    if (const auto* mfa = at_path(*doc, "MFADelete")) extra["MFADelete"] = *mfa;
    if (!where.note.empty()) extra["regionNote"] = where.note;
    return evaluate({"S3", bucket.name, "Status", kField, engine::Comparator::eq, "Enabled",
                     std::move(status), engine::Source::aws_sdk, where.region, scope.account,
                     std::move(extra)});
}

// The fix: versioning Enabled, so an overwritten or deleted log object keeps its earlier versions.
// Noncurrent versions are kept until a lifecycle rule expires them (storage cost; the rule is the
// operator's). S3 has no way back to "never enabled": the undo of a bucket that never had
// versioning suspends it, which keeps the versions written meanwhile; a suspended bucket goes back
// to Suspended. A bucket with MFA Delete on needs the root user's MFA code for the write: manual.
class LogBucketVersioningFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        if (const auto* mfa = failing.extra.if_contains("MFADelete");
            mfa != nullptr && mfa->is_string() && mfa->get_string() == "Enabled")
            return unexpected(std::string(
                "MFA Delete is on for the bucket: changing its versioning needs the root user's "
                "MFA device serial and a current code with the request, which only the operator "
                "can give (aws s3api put-bucket-versioning --mfa)"));
        FixPlan p;
        p.calls.push_back({"s3",
                           "PutBucketVersioning",
                           {{"Bucket", failing.resource_id},
                            {"VersioningConfiguration", {{"Status", "Enabled"}}}}});
        p.iam_actions = {"s3:PutBucketVersioning", "s3:GetBucketVersioning"};
        p.risk =
            "overwritten and deleted log objects are kept as noncurrent versions (storage cost "
            "until a lifecycle rule expires them); undo suspends versioning, it cannot return a "
            "bucket to never-versioned, and the versions written meanwhile stay";
        p.expected_after = "Enabled";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("s3", "GetBucketVersioning", {{"Bucket", failing.resource_id}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        // Enabled already: nothing to put back. Suspended, or never enabled (no Status):
        // Suspended, the nearest S3 allows.
        if (string_at(*doc, "Status") == "Enabled") return std::vector<FixCall>{};
        return std::vector<FixCall>{{"s3",
                                     "PutBucketVersioning",
                                     {{"Bucket", failing.resource_id},
                                      {"VersioningConfiguration", {{"Status", "Suspended"}}}}}};
    }
};

class LogBucketVersioning final : public Check {
  public:
    const Fixer* fixer() const override {
        static const LogBucketVersioningFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "3.0-10",
            "S3 versioning of log buckets",
            "S3",
            "medium",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning",
             "s3:GetBucketLogging", "cloudtrail:DescribeTrails",
             "elasticloadbalancing:DescribeLoadBalancers",
             "elasticloadbalancing:DescribeLoadBalancerAttributes", "cloudfront:ListDistributions",
             "cloudfront:GetDistributionConfig", "config:DescribeDeliveryChannels",
             "ec2:DescribeFlowLogs", "logs:DescribeDeliveries",
             "logs:DescribeDeliveryDestinations"},
            // The log sources are regional: a run that could not list the
            // account's regions has not seen every log bucket.
            Reach::regional};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto list = storage::list_buckets(facts, scope);
        LogBuckets found;
        if (list.error) {
            found.error(std::move(*list.error));
        } else {
            from_access_logging(facts, scope, list.buckets, found);
        }
        from_trails(facts, scope, found);
        from_load_balancers(facts, scope, found);
        from_cloudfront(facts, scope, found);
        from_config_and_flow_logs(facts, scope, found);
        from_vended_log_deliveries(facts, scope, found);

        std::map<std::string, const storage::BucketRef*> own;
        for (const auto& b : list.buckets)
            own[b.name] = &b;
        std::vector<std::pair<const storage::BucketRef*, const std::set<std::string>*>> judged;
        json::array elsewhere;
        for (const auto& [name, sources] : found.sources_) {
            if (auto it = own.find(name); it != own.end()) {
                judged.emplace_back(it->second, &sources);
            } else if (!list.error) {
                json::array from;
                for (const auto& s : sources)
                    from.emplace_back(s);
                elsewhere.push_back(
                    json::object{{"bucket", name}, {"logSources", std::move(from)}});
            }
        }
        std::vector<Evaluation> evals(judged.size());
        parallel_for(judged.size(), scope.fanout, [&](std::size_t i) {
            evals[i] = judge(facts, scope, *judged[i].first, *judged[i].second);
        });
        auto evidence = status_evidence(evals, "logBuckets", "versioningEnabled");
        evidence["totalBuckets"] = list.buckets.size();
        if (!elsewhere.empty()) evidence["logBucketsOfOtherAccounts"] = elsewhere;
        for (auto& e : found.errors_)
            evals.push_back(std::move(e));
        auto notes = std::move(list.notes);
        if (!elsewhere.empty())
            notes.push_back(std::to_string(elsewhere.size()) +
                            " log bucket(s) are not in this account (an organisation's log "
                            "archive, or deleted): judge them from the account that owns them");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no log buckets: no trail, access log, load balancer or CloudFront log, "
                        "Config delivery channel, flow log or vended log delivery writes to an S3 "
                        "bucket of this account");
        for (auto& n : notes)
            r.notes.push_back(std::move(n));
        return r;
    }
};

}  // namespace

const Check& check_3_0_10_log_bucket_versioning() {
    static const LogBucketVersioning check;
    return check;
}

}  // namespace dspm::checks
