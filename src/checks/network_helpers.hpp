#pragma once
// Building blocks of the network group's checks: a regional list read that turns a failure into
// an ERROR evaluation, per-resource fan-out that keeps the resource order, a data-driven rule for
// checks whose fields sit in the list answer itself, and the reads shared by several codes
// (CloudFront distribution configs, KMS keys, EKS clusters, OpenSearch domains), all through the
// per-run fact cache so that two codes reading the same resource reach AWS once.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/check.hpp"
#include "checks/helpers.hpp"
#include "engine/evaluation.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::net {

using Evals = std::vector<engine::Evaluation>;

// Every page of a regional list (aws_all_pages) and the array at items_path. On failure an ERROR
// evaluation ("*", list_field) is appended and nullopt returned: never "no resources".
std::optional<boost::json::array> list_items(inventory::Facts& facts, const CheckScope& scope,
                                             const std::string& region, const std::string& label,
                                             std::string_view service, std::string_view operation,
                                             const boost::json::object& params,
                                             std::string_view items_path,
                                             const std::string& list_field, Evals& evals);

// The strings at id_path of each item (the item itself when id_path is empty); empties dropped.
std::vector<std::string> ids_of(const boost::json::array& items, std::string_view id_path);

// fn(i) for i in [0, n) on up to fanout threads; the evaluations keep the index order.
Evals per_resource(std::size_t n, std::size_t fanout, const std::function<Evals(std::size_t)>& fn);

// The value, or null when it is missing, null, or an empty string/array/object: "present" in the
// catalog means a non-empty value.
boost::json::value present_or_null(const boost::json::value* v);

// finish() with status_evidence counts.
engine::MappingResult result(const CheckInfo& info, Evals evals, std::string_view total_key,
                             std::string_view compliant_key, std::string skip_reason,
                             std::vector<std::string> notes = {});

// One judged field of a resource.
struct Field {
    std::string path;  // inside the item/document, "Encrypted"
    std::string checked_field;
    engine::Comparator comparator = engine::Comparator::eq;
    boost::json::value expected;
    std::string absent_note = {};  // extra.note when the field is missing
};

// A check whose fields are all in the regional list answer (EFS, ECR, ElastiCache, SSM, ...).
struct ItemRule {
    std::string label;  // evaluation service, "EFS"
    std::string service;
    std::string operation;
    boost::json::object params;
    std::string items_path;  // "FileSystems"
    std::string id_path;     // "FileSystemId"
    std::string list_field;  // "File system list"
    std::vector<Field> fields;
    std::vector<std::string> extra_paths;  // copied into extra when present
    std::string total_key;
    std::string compliant_key;
    std::string skip_reason;
    // Returns a note when the item is out of scope (it then gets no evaluation).
    std::function<std::optional<std::string>(const boost::json::value&)> out_of_scope = {};
    boost::json::object extra = {};  // added to every evaluation
};
engine::MappingResult run_item_rule(const CheckInfo& info, const ItemRule& rule,
                                    inventory::Facts& facts, const CheckScope& scope);

// Judges fields of one resource document: one evaluation per field. base is the evidence path
// prefix of the document ("" or "FileSystems[3]").
Evals judge_fields(const std::string& label, const std::string& id, const boost::json::value& doc,
                   const std::string& base, const std::vector<Field>& fields,
                   const std::string& region, const CheckScope& scope,
                   const boost::json::object& extra = {});

// A check made of its metadata and one function, so that each check file holds both side by side.
class FnCheck final : public Check {
  public:
    using Run = std::function<engine::MappingResult(const CheckInfo&, inventory::Facts&,
                                                    const CheckScope&)>;
    // fixer: the check's automatic fix (checks/fix.hpp), a static of the check's file; none:
    // manual.
    FnCheck(CheckInfo info, Run run, const Fixer* fixer = nullptr)
        : info_(std::move(info)), run_(std::move(run)), fixer_(fixer) {}
    const CheckInfo& info() const override { return info_; }
    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return run_(info_, facts, scope);
    }
    const Fixer* fixer() const override { return fixer_; }

  private:
    CheckInfo info_;
    Run run_;
    const Fixer* fixer_ = nullptr;
};

// ---- shared reads ----

// A regional list of names, then one describe per name (in parallel); each described document is
// judged by `judge`, a failed describe is an ERROR naming the action.
struct ListDescribe {
    std::string label;
    std::string list_service;
    std::string list_operation;
    boost::json::object list_params;
    std::string items_path;
    std::string id_path;  // "" when the items are names
    std::string list_field;
    std::string describe_operation;            // same service
    std::string describe_param;                // "DomainName"
    boost::json::object describe_params = {};  // added to every describe
    std::string checked_field;                 // for the describe ERROR
};
using Judge = std::function<Evals(const std::string& id, const boost::json::value& doc,
                                  const std::string& region)>;
Evals list_describe(const ListDescribe& spec, inventory::Facts& facts, const CheckScope& scope,
                    const Judge& judge);

// CloudFront: every distribution of the list, with its summary (list item) and, when asked or
// when the summary lacks `needs`, its DistributionConfig. ERRORs are appended to evals.
struct Distribution {
    std::string id;
    std::string domain_name;
    boost::json::value summary;  // DistributionList.Items[i]
    boost::json::value config;   // DistributionConfig, null when not read
    std::string summary_path;    // "DistributionList.Items[i]"
};
std::optional<std::vector<Distribution>> cloudfront_distributions(
    inventory::Facts& facts, const CheckScope& scope, std::string_view needs, bool always_config,
    const std::string& field, Evals& evals);

// Per VPC of every audited region (ec2 DescribeVpcs without parameters, the read 3.0-05 makes, so
// the run's cache serves both): the associations of a regional list whose vpc_field names the VPC.
// One evaluation per VPC on the status of its best association (the first of `rank` found, then
// any other status): COMPLIANT when that status is in `accepted`, NON_COMPLIANT with observed null
// when the VPC has none. Each association's copy_fields are listed in extra.associations, the
// judged one's best_fields are copied into extra. A
// region without VPCs reads no associations; a failed read is an ERROR for the region ("*").
struct VpcAssociationRule {
    std::string label;                  // evaluation service, "Route53Resolver"
    std::string service;                // "route53resolver"
    std::string operation;              // "ListFirewallRuleGroupAssociations"
    std::string items_path;             // "FirewallRuleGroupAssociations"
    std::string vpc_field;              // "VpcId"
    std::string list_field;             // for the list ERROR, "DNS Firewall association list"
    std::string checked_field;          // "DNS Firewall rule group association status"
    std::vector<std::string> accepted;  // compliant statuses
    std::vector<std::string> rank;      // statuses best first, to pick one of several associations
    std::vector<std::string> copy_fields;  // of each association, into extra.associations
    std::vector<std::string> best_fields;  // of the judged association, into extra itself
    // extra.note for the chosen association (empty: none); called with nullptr when there is none.
    std::function<std::string(const boost::json::value* association)> note;
    std::string total_key;
    std::string compliant_key;
    std::string skip_reason;
};
engine::MappingResult per_vpc_association(const CheckInfo& info, const VpcAssociationRule& rule,
                                          inventory::Facts& facts, const CheckScope& scope);

// KMS rotation (2.0-16 and 10.0-04 share it).
engine::MappingResult kms_rotation(const CheckInfo& info, inventory::Facts& facts,
                                   const CheckScope& scope);

// EKS: ListClusters + DescribeCluster per region, judge on each `cluster` document.
Evals eks_clusters(inventory::Facts& facts, const CheckScope& scope, const std::string& field,
                   const Judge& judge);

// OpenSearch: ListDomainNames + DescribeDomain per region, judge on each DomainStatus.
Evals opensearch_domains(inventory::Facts& facts, const CheckScope& scope, const std::string& field,
                         const Judge& judge);

}  // namespace dspm::checks::net
