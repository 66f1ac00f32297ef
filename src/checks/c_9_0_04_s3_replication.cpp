// 9.0-04 S3 replication: every bucket, read in its own region, has a copy that survives the loss of
// its region or of its account: at least one replication rule with Status "Enabled" whose
// destination is in another region or another account. One evaluation per bucket; the observed
// value is the number of such rules.
// What is judged, rule by rule (GetBucketReplication: ReplicationConfiguration.Rules[], each with
// ID, Priority, Filter or the older Prefix, Status, Destination{Bucket, Account, ...}):
// - a rule whose Status is not "Enabled" copies nothing and never counts;
// - Destination.Account set and different from the audited account: a copy outside the account,
//   it counts without reading where the destination is;
// - otherwise the destination bucket's region (GetBucketLocation of the name in Destination.Bucket,
//   an ARN arn:<partition>:s3:::name) is compared with the bucket's own region: another region
//   counts, the same region does not. A rule without Destination.Account is taken as copying into
//   the account (AWS only requires Account for an owner override).
// A fact that could not be read is never a pass: when no rule counts on read facts and a rule's
// destination region (or the bucket's own region) could not be read, the bucket is ERROR (naming
// s3:GetBucketLocation when denied: another account's bucket usually refuses it), with every
// rule's facts in the evidence. A bucket without a replication configuration fails (observed null);
// one whose rules are all disabled or all same-region in the account fails with the rules listed.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "ReplicationConfiguration.Rules";
constexpr const char* kField = "Enabled replication rules to another region or account";

// "arn:aws:s3:::name" (any partition) → "name"; a bare name stays as it is.
std::string bucket_of(std::string_view destination) {
    if (destination.rfind("arn:", 0) == 0) {
        const auto pos = destination.find(":::");
        return pos == std::string_view::npos ? std::string()
                                             : std::string(destination.substr(pos + 3));
    }
    return std::string(destination);
}

class S3Replication final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "9.0-04",
            "S3 Replication",
            "S3",
            "low",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetReplicationConfiguration"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_located_bucket(
            info(), facts, scope, "replicated",
            [](inventory::Facts& f, const CheckScope& s, const std::string& bucket,
               const storage::BucketRegion& where) {
                std::vector<Evaluation> one;
                one.push_back(judge(f, s, bucket, where));
                return one;
            });
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const storage::BucketRegion& where) {
        const std::string& region = where.region;
        auto doc = facts.aws("s3", "GetBucketReplication", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "ReplicationConfigurationNotFoundError")) {
                return storage::not_configured("S3", bucket, kPath, kField, engine::Comparator::ge,
                                               1, region, scope.account,
                                               "no replication configuration");
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        const std::string account = scope.account.empty() ? facts.account() : scope.account;
        json::array rules_evidence;
        json::array destinations;
        std::size_t enabled = 0, qualifying = 0;
        // The first unread fact a verdict would have needed: the error that makes the bucket ERROR.
        std::optional<aws::AwsError> unread;
        const auto* rules = at_path(*doc, kPath);
        const std::size_t n = rules != nullptr && rules->is_array() ? rules->get_array().size() : 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& rule = rules->get_array()[i];
            json::object r;
            r["path"] = indexed(kPath, i);
            if (auto id = string_at(rule, "ID"); !id.empty()) r["ID"] = id;
            if (const auto* p = at_path(rule, "Priority")) r["Priority"] = *p;
            if (const auto* f = at_path(rule, "Filter")) r["Filter"] = *f;
            if (const auto* p = at_path(rule, "Prefix")) r["Prefix"] = *p;  // older rules
            const auto status = string_at(rule, "Status");
            r["Status"] = status;
            const auto dest_arn = string_at(rule, "Destination.Bucket");
            const auto dest_account = string_at(rule, "Destination.Account");
            const auto dest_bucket = bucket_of(dest_arn);
            json::object d{{"bucket", dest_arn}};
            if (!dest_account.empty()) d["account"] = dest_account;
            const bool is_enabled = status == "Enabled";
            enabled += is_enabled;
            bool counts = false;
            if (!dest_account.empty() && !account.empty() && dest_account != account) {
                r["crossAccount"] = true;
                counts = is_enabled;
            } else if (!is_enabled) {
                // Copies nothing: where its destination is does not matter (and is not read).
            } else if (!dest_bucket.empty()) {
                auto loc = facts.aws("s3", "GetBucketLocation", {{"Bucket", dest_bucket}},
                                     scope.global_region);
                if (loc) {
                    const auto dest_region = storage::region_of_location(*loc, scope.global_region);
                    d["region"] = dest_region;
                    if (!where.note.empty()) {
                        // The bucket's own region is a guess: no comparison stands on it.
                        r["crossRegion"] = nullptr;
                        r["note"] = "the bucket's own region could not be read";
                        if (!unread) unread = own_region_error(facts, scope, bucket);
                    } else {
                        r["crossRegion"] = dest_region != region;
                        counts = dest_region != region;
                    }
                } else {
                    d["region"] = nullptr;
                    d["regionUnread"] = loc.error().code.empty()
                                            ? std::string(aws::to_string(loc.error().kind))
                                            : loc.error().code;
                    r["note"] =
                        "the destination bucket's region could not be read "
                        "(s3:GetBucketLocation)";
                    if (!unread) unread = loc.error();
                }
            } else {
                r["note"] = "no destination bucket in the rule";
            }
            r["destination"] = d;
            r["counts"] = counts;
            if (is_enabled) destinations.push_back(std::move(d));
            qualifying += counts;
            rules_evidence.push_back(std::move(r));
        }
        json::object extra{{"rules", std::move(rules_evidence)},
                           {"enabledRules", enabled},
                           {"destinations", std::move(destinations)}};
        if (qualifying == 0 && unread) {
            auto e = error_evaluation("S3", bucket, kField, *unread, region, scope.account);
            e.decision =
                "no enabled rule is known to copy to another region or account, and " + e.decision;
            for (auto& kv : extra)
                e.extra[kv.key()] = std::move(kv.value());
            e.extra["note"] = where.note.empty()
                                  ? "a destination region that could not be read is not taken "
                                    "as another region"
                                  : "the bucket's own region could not be read: no region "
                                    "comparison stands on a guess";
            return e;
        }
        if (qualifying == 0)
            extra["note"] = n == 0 ? "the replication configuration has no rules"
                            : enabled == 0
                                ? "no replication rule is enabled"
                                : "no enabled rule copies to another region or another account";
        return evaluate({"S3", bucket, kPath, kField, engine::Comparator::ge, 1, qualifying,
                         engine::Source::aws_sdk, region, scope.account, std::move(extra)});
    }

    // The bucket's own GetBucketLocation failed (the list gave no region): the same, cached read
    // gives the error to report.
    static aws::AwsError own_region_error(inventory::Facts& facts, const CheckScope& scope,
                                          const std::string& bucket) {
        auto loc = facts.aws("s3", "GetBucketLocation", {{"Bucket", bucket}}, scope.global_region);
        if (!loc) return loc.error();
        // Answered now (a retry inside the run): the region used above was still the guess.
        aws::AwsError e;
        e.kind = aws::ErrorKind::service;
        e.service = "s3";
        e.operation = "GetBucketLocation";
        e.code = "RegionNotConfirmed";
        e.iam_action = "s3:GetBucketLocation";
        return e;
    }
};

}  // namespace

const Check& check_9_0_04_s3_replication() {
    static const S3Replication check;
    return check;
}

}  // namespace dspm::checks
