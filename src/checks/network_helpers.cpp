#include "checks/network_helpers.hpp"

#include <boost/json.hpp>
#include <mutex>

namespace dspm::checks::net {

namespace json = boost::json;
using engine::Evaluation;

std::optional<json::array> list_items(inventory::Facts& facts, const CheckScope& scope,
                                      const std::string& region, const std::string& label,
                                      std::string_view service, std::string_view operation,
                                      const json::object& params, std::string_view items_path,
                                      const std::string& list_field, Evals& evals) {
    auto doc = facts.aws_all_pages(service, operation, params, region);
    if (!doc) {
        evals.push_back(
            error_evaluation(label, "*", list_field, doc.error(), region, scope.account));
        return std::nullopt;
    }
    const auto* items = at_path(*doc, items_path);
    if (items == nullptr || !items->is_array()) return json::array{};
    return items->get_array();
}

std::vector<std::string> ids_of(const json::array& items, std::string_view id_path) {
    std::vector<std::string> out;
    for (const auto& item : items) {
        std::string id = id_path.empty() ? (item.is_string() ? std::string(item.get_string()) : "")
                                         : string_at(item, id_path);
        if (!id.empty()) out.push_back(std::move(id));
    }
    return out;
}

Evals per_resource(std::size_t n, std::size_t fanout, const std::function<Evals(std::size_t)>& fn) {
    std::vector<Evals> parts(n);
    parallel_for(n, fanout, [&](std::size_t i) { parts[i] = fn(i); });
    Evals out;
    for (auto& p : parts)
        for (auto& e : p)
            out.push_back(std::move(e));
    return out;
}

json::value present_or_null(const json::value* v) {
    if (v == nullptr || v->is_null()) return nullptr;
    if (v->is_string() && v->get_string().empty()) return nullptr;
    if (v->is_array() && v->get_array().empty()) return nullptr;
    if (v->is_object() && v->get_object().empty()) return nullptr;
    return *v;
}

engine::MappingResult result(const CheckInfo& info, Evals evals, std::string_view total_key,
                             std::string_view compliant_key, std::string skip_reason,
                             std::vector<std::string> notes) {
    auto evidence = status_evidence(evals, total_key, compliant_key);
    auto r = finish(info, std::move(evals), std::move(evidence), std::move(skip_reason));
    r.notes = std::move(notes);
    return r;
}

Evals judge_fields(const std::string& label, const std::string& id, const json::value& doc,
                   const std::string& base, const std::vector<Field>& fields,
                   const std::string& region, const CheckScope& scope, const json::object& extra) {
    Evals out;
    for (const auto& f : fields) {
        const auto* v = at_path(doc, f.path);
        json::value observed = f.comparator == engine::Comparator::exists
                                   ? present_or_null(v)
                                   : (v != nullptr ? *v : json::value(nullptr));
        json::object x = extra;
        if (observed.is_null() && !f.absent_note.empty()) x["note"] = f.absent_note;
        std::string path = base;
        if (!path.empty()) path += '.';
        path += f.path;
        out.push_back(evaluate({label, id, std::move(path), f.checked_field, f.comparator,
                                f.expected, std::move(observed), engine::Source::aws_sdk, region,
                                scope.account, std::move(x)}));
    }
    return out;
}

engine::MappingResult run_item_rule(const CheckInfo& info, const ItemRule& rule,
                                    inventory::Facts& facts, const CheckScope& scope) {
    Evals evals;
    std::vector<std::string> notes;
    for (const auto& region : scope.regions) {
        auto items = list_items(facts, scope, region, rule.label, rule.service, rule.operation,
                                rule.params, rule.items_path, rule.list_field, evals);
        if (!items) continue;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const auto& item = (*items)[i];
            const std::string id = string_at(item, rule.id_path);
            if (rule.out_of_scope) {
                if (auto why = rule.out_of_scope(item)) {
                    notes.push_back(id + " (" + region + "): " + *why);
                    continue;
                }
            }
            json::object extra = rule.extra;
            for (const auto& p : rule.extra_paths)
                if (const auto* v = at_path(item, p); v != nullptr && !v->is_null()) extra[p] = *v;
            for (auto& e : judge_fields(rule.label, id, item, indexed(rule.items_path, i),
                                        rule.fields, region, scope, extra))
                evals.push_back(std::move(e));
        }
    }
    return result(info, std::move(evals), rule.total_key, rule.compliant_key, rule.skip_reason,
                  std::move(notes));
}

Evals list_describe(const ListDescribe& spec, inventory::Facts& facts, const CheckScope& scope,
                    const Judge& judge) {
    Evals evals;
    for (const auto& region : scope.regions) {
        auto items =
            list_items(facts, scope, region, spec.label, spec.list_service, spec.list_operation,
                       spec.list_params, spec.items_path, spec.list_field, evals);
        if (!items) continue;
        const auto ids = ids_of(*items, spec.id_path);
        auto described = per_resource(ids.size(), scope.fanout, [&](std::size_t i) -> Evals {
            json::object params = spec.describe_params;
            params[spec.describe_param] = ids[i];
            // Every page: a per-resource read may list too (CodeCommit's templates of a
            // repository); for one without a paginator this is one call.
            auto doc =
                facts.aws_all_pages(spec.list_service, spec.describe_operation, params, region);
            if (!doc) {
                return {error_evaluation(spec.label, ids[i], spec.checked_field, doc.error(),
                                         region, scope.account)};
            }
            return judge(ids[i], *doc, region);
        });
        for (auto& e : described)
            evals.push_back(std::move(e));
    }
    return evals;
}

std::optional<std::vector<Distribution>> cloudfront_distributions(
    inventory::Facts& facts, const CheckScope& scope, std::string_view needs, bool always_config,
    const std::string& field, Evals& evals) {
    // The same reads as 2.0-15, so the fact cache serves all CloudFront codes from one list.
    auto doc = facts.aws_all_pages("cloudfront", "ListDistributions", {}, scope.global_region);
    if (!doc) {
        evals.push_back(error_evaluation("CloudFront", "*", "Distribution list", doc.error(),
                                         scope.global_region, scope.account));
        return std::nullopt;
    }
    std::vector<Distribution> out;
    const auto* items = at_path(*doc, "DistributionList.Items");
    if (items == nullptr || !items->is_array()) return out;
    const auto& arr = items->get_array();
    std::vector<std::optional<Distribution>> read(arr.size());
    std::vector<Evals> errors(arr.size());
    parallel_for(arr.size(), scope.fanout, [&](std::size_t i) {
        Distribution d;
        d.id = string_at(arr[i], "Id");
        d.domain_name = string_at(arr[i], "DomainName");
        d.summary = arr[i];
        d.summary_path = indexed("DistributionList.Items", i);
        // Some list answers (moto's) omit parts of the summary: the config has them all.
        if (always_config || (!needs.empty() && at_path(arr[i], needs) == nullptr)) {
            auto c = facts.aws("cloudfront", "GetDistributionConfig", {{"Id", d.id}},
                               scope.global_region);
            if (!c) {
                errors[i].push_back(error_evaluation("CloudFront", d.id, field, c.error(),
                                                     scope.global_region, scope.account));
                return;
            }
            const auto* dc = at_path(*c, "DistributionConfig");
            d.config = dc != nullptr ? *dc : json::value(nullptr);
        }
        read[i] = std::move(d);
    });
    for (std::size_t i = 0; i < arr.size(); ++i) {
        for (auto& e : errors[i])
            evals.push_back(std::move(e));
        if (read[i]) out.push_back(std::move(*read[i]));
    }
    return out;
}

engine::MappingResult per_vpc_association(const CheckInfo& info, const VpcAssociationRule& rule,
                                          inventory::Facts& facts, const CheckScope& scope) {
    Evals evals;
    const auto rank_of = [&](const std::string& status) {
        for (std::size_t i = 0; i < rule.rank.size(); ++i)
            if (rule.rank[i] == status) return i;
        return rule.rank.size();
    };
    json::value expected;
    if (rule.accepted.size() == 1) {
        expected = json::string(rule.accepted.front());
    } else {
        json::array a;
        for (const auto& s : rule.accepted)
            a.emplace_back(s);
        expected = std::move(a);
    }
    const auto comparator =
        rule.accepted.size() == 1 ? engine::Comparator::eq : engine::Comparator::in;
    for (const auto& region : scope.regions) {
        auto vpcs = list_items(facts, scope, region, "EC2", "ec2", "DescribeVpcs", {}, "Vpcs",
                               "VPC list", evals);
        if (!vpcs || vpcs->empty()) continue;
        auto assocs = list_items(facts, scope, region, rule.label, rule.service, rule.operation, {},
                                 rule.items_path, rule.list_field, evals);
        if (!assocs) continue;
        for (const auto& vpc : *vpcs) {
            const std::string id = string_at(vpc, "VpcId");
            if (id.empty()) continue;
            const json::value* best = nullptr;
            json::array listed;
            for (const auto& a : *assocs) {
                if (string_at(a, rule.vpc_field) != id) continue;
                json::object row;
                for (const auto& f : rule.copy_fields)
                    if (const auto* v = at_path(a, f); v != nullptr && !v->is_null()) row[f] = *v;
                listed.push_back(std::move(row));
                if (best == nullptr ||
                    rank_of(string_at(a, "Status")) < rank_of(string_at(*best, "Status")))
                    best = &a;
            }
            json::object extra;
            if (const auto* d = at_path(vpc, "IsDefault")) extra["isDefault"] = *d;
            if (const auto* o = at_path(vpc, "OwnerId")) extra["OwnerId"] = *o;
            extra["associations"] = std::move(listed);
            if (best != nullptr)
                for (const auto& f : rule.best_fields)
                    if (const auto* v = at_path(*best, f); v != nullptr && !v->is_null())
                        extra[f] = *v;
            if (rule.note) {
                if (auto n = rule.note(best); !n.empty()) extra["note"] = std::move(n);
            }
            json::value observed = nullptr;
            if (best != nullptr) {
                if (const auto* st = at_path(*best, "Status"); st != nullptr) observed = *st;
            }
            evals.push_back(evaluate(
                {rule.label, id, rule.items_path + "[?" + rule.vpc_field + "=='" + id + "'].Status",
                 rule.checked_field, comparator, expected, std::move(observed),
                 engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        }
    }
    return result(info, std::move(evals), rule.total_key, rule.compliant_key, rule.skip_reason);
}

engine::MappingResult kms_rotation(const CheckInfo& info, inventory::Facts& facts,
                                   const CheckScope& scope) {
    constexpr const char* kField = "Automatic key rotation";
    Evals evals;
    std::size_t skipped_keys = 0;
    std::mutex mutex;
    for (const auto& region : scope.regions) {
        auto keys = list_items(facts, scope, region, "KMS", "kms", "ListKeys", {}, "Keys",
                               "Key list", evals);
        if (!keys) continue;
        const auto ids = ids_of(*keys, "KeyId");
        auto per_key = per_resource(ids.size(), scope.fanout, [&](std::size_t i) -> Evals {
            auto meta = facts.aws("kms", "DescribeKey", {{"KeyId", ids[i]}}, region);
            if (!meta) {
                return {
                    error_evaluation("KMS", ids[i], kField, meta.error(), region, scope.account)};
            }
            const std::string manager = string_at(*meta, "KeyMetadata.KeyManager");
            const std::string key_spec = string_at(*meta, "KeyMetadata.KeySpec");
            const std::string state = string_at(*meta, "KeyMetadata.KeyState");
            const std::string origin = string_at(*meta, "KeyMetadata.Origin");
            // AWS-managed keys rotate on AWS's schedule; asymmetric, HMAC, imported and
            // custom-key-store keys cannot rotate automatically; a disabled or pending-deletion
            // key protects nothing new. None of these is a finding of this code.
            const bool in_scope = manager == "CUSTOMER" &&
                                  (key_spec.empty() || key_spec == "SYMMETRIC_DEFAULT") &&
                                  state == "Enabled" && (origin.empty() || origin == "AWS_KMS");
            if (!in_scope) {
                std::lock_guard lock(mutex);
                ++skipped_keys;
                return {};
            }
            auto rot = facts.aws("kms", "GetKeyRotationStatus", {{"KeyId", ids[i]}}, region);
            if (!rot) {
                return {
                    error_evaluation("KMS", ids[i], kField, rot.error(), region, scope.account)};
            }
            json::object extra{{"KeyManager", manager}, {"KeySpec", key_spec}, {"KeyState", state}};
            if (const auto* p = at_path(*rot, "RotationPeriodInDays"); p != nullptr)
                extra["RotationPeriodInDays"] = *p;
            if (const auto* a = at_path(*meta, "KeyMetadata.Arn"); a != nullptr) extra["Arn"] = *a;
            const auto* v = at_path(*rot, "KeyRotationEnabled");
            Evals out;
            out.push_back(
                evaluate({"KMS", ids[i], "KeyRotationEnabled", kField, engine::Comparator::eq, true,
                          v != nullptr ? *v : json::value(nullptr), engine::Source::aws_sdk, region,
                          scope.account, std::move(extra)}));
            return out;
        });
        for (auto& e : per_key)
            evals.push_back(std::move(e));
    }
    auto evidence = status_evidence(evals, "customerManagedKeys", "rotationEnabled");
    evidence["keysOutOfScope"] = skipped_keys;
    return finish(info, std::move(evals), std::move(evidence),
                  "no enabled customer-managed symmetric KMS keys in the audited regions");
}

Evals eks_clusters(inventory::Facts& facts, const CheckScope& scope, const std::string& field,
                   const Judge& judge) {
    return list_describe(
        {"EKS",
         "eks",
         "ListClusters",
         {},
         "clusters",
         "",
         "Cluster list",
         "DescribeCluster",
         "name",
         {},
         field},
        facts, scope,
        [&](const std::string& id, const json::value& doc, const std::string& region) -> Evals {
            const auto* c = at_path(doc, "cluster");
            static const json::value empty = json::object{};
            return judge(id, c != nullptr ? *c : empty, region);
        });
}

Evals opensearch_domains(inventory::Facts& facts, const CheckScope& scope, const std::string& field,
                         const Judge& judge) {
    return list_describe(
        {"OpenSearch",
         "opensearch",
         "ListDomainNames",
         {},
         "DomainNames",
         "DomainName",
         "Domain list",
         "DescribeDomain",
         "DomainName",
         {},
         field},
        facts, scope,
        [&](const std::string& id, const json::value& doc, const std::string& region) -> Evals {
            const auto* s = at_path(doc, "DomainStatus");
            static const json::value empty = json::object{};
            return judge(id, s != nullptr ? *s : empty, region);
        });
}

}  // namespace dspm::checks::net
