#include "engine/filter.hpp"

#include <algorithm>
#include <set>

#include "catalog/local_source.hpp"  // to_lower
#include "checks/check.hpp"
#include "engine/engine.hpp"

namespace dspm::engine {
namespace {

// "s3" from "s3:GetBucketEncryption". sts is left out: every check may ask who the caller is,
// which says nothing about the service it judges.
std::set<std::string> namespaces_of(const checks::CheckInfo& info) {
    std::set<std::string> out;
    for (const auto& a : info.iam_actions) {
        const auto colon = a.find(':');
        if (colon == std::string::npos) continue;
        auto ns = catalog::to_lower(a.substr(0, colon));
        if (ns != "sts") out.insert(std::move(ns));
    }
    return out;
}

bool contains_folded(const std::vector<std::string>& wanted, const std::string& value) {
    const auto v = catalog::to_lower(value);
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const std::string& w) { return catalog::to_lower(w) == v; });
}

}  // namespace

FilterVocabulary filter_vocabulary(const AuditPlan& plan) {
    std::set<std::string> codes, services;
    for (const auto* c : checks::all_checks()) {
        codes.insert(c->info().code);
        services.insert(catalog::to_lower(c->info().service));
        for (const auto& ns : namespaces_of(c->info()))
            services.insert(ns);
    }
    for (const auto& [code, m] : plan.mappings) {
        codes.insert(code);
        if (!m.service.empty()) services.insert(catalog::to_lower(m.service));
    }
    return {{codes.begin(), codes.end()},
            {services.begin(), services.end()},
            {"critical", "high", "medium", "low"}};
}

bool selects(const PlanFilter& filter, const AuditPlan& plan, const std::string& code) {
    if (!filter.checks.empty() && !contains_folded(filter.checks, code)) return false;
    const auto* check = checks::find_check(code);
    const auto mapping = plan.mappings.find(code);
    const catalog::Mapping* m = mapping != plan.mappings.end() ? &mapping->second : nullptr;
    if (!filter.services.empty()) {
        bool hit = m && contains_folded(filter.services, m->service);
        if (check) {
            hit = hit || contains_folded(filter.services, check->info().service);
            for (const auto& ns : namespaces_of(check->info()))
                hit = hit || contains_folded(filter.services, ns);
        }
        if (!hit) return false;
    }
    if (!filter.severities.empty()) {
        // The check's severity is the one its results carry; the catalog's answers for codes
        // no check implements.
        const std::string severity = check ? check->info().severity : m ? m->severity : "";
        if (!contains_folded(filter.severities, severity)) return false;
    }
    return true;
}

std::size_t apply_filter(AuditPlan& plan, const PlanFilter& filter) {
    plan.filter = filter;
    if (filter.empty()) return plan.requirements.size();
    std::vector<catalog::Requirement> kept;
    std::vector<bool> kept_in_summary;
    std::size_t folded = 0;
    for (std::size_t i = 0; i < plan.requirements.size(); ++i) {
        auto& r = plan.requirements[i];
        // The catalog lists a service per code, in the same order, when it lists them at all.
        const bool parallel = r.mapping_services.size() == r.mapping_codes.size();
        std::vector<std::string> codes;
        std::vector<std::string> services;
        for (std::size_t k = 0; k < r.mapping_codes.size(); ++k) {
            if (!selects(filter, plan, r.mapping_codes[k])) continue;
            codes.push_back(r.mapping_codes[k]);
            if (parallel) services.push_back(r.mapping_services[k]);
        }
        if (codes.empty()) continue;
        r.mapping_codes = std::move(codes);
        if (parallel) r.mapping_services = std::move(services);
        const bool in_summary = i < plan.in_summary.size() ? plan.in_summary[i] : true;
        if (!plan.in_summary.empty()) kept_in_summary.push_back(in_summary);
        if (!in_summary) ++folded;
        kept.push_back(std::move(r));
    }
    plan.requirements = std::move(kept);
    plan.in_summary = std::move(kept_in_summary);
    plan.checkpoints_folded = folded;
    return plan.requirements.size();
}

}  // namespace dspm::engine
