// 6.0-05 SageMaker Model Registry: per region, every model package group's latest package has
// ModelApprovalStatus Approved.
// Judgement: the group's latest package is the one that would be deployed next, so it alone is
// judged (older rejected versions are history, not a finding). "Latest" is the highest
// ModelPackageVersion, else the newest CreationTime, so the result does not depend on the order
// the list answers in. A group without any package has nothing to approve: it is noted, not
// judged; no group with a package in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

// Index of the latest package of a group, nullopt when there is none.
std::optional<std::size_t> latest_package(const json::array& packages) {
    std::optional<std::size_t> best;
    auto version = [&](std::size_t i) -> std::int64_t {
        const auto* v = at_path(packages[i], "ModelPackageVersion");
        return v != nullptr && v->is_number() ? v->to_number<std::int64_t>() : -1;
    };
    auto created = [&](std::size_t i) {
        auto t = detection::parse_time(at_path(packages[i], "CreationTime"));
        return t ? *t : std::chrono::sys_seconds{};
    };
    for (std::size_t i = 0; i < packages.size(); ++i) {
        if (!packages[i].is_object()) continue;
        if (!best || version(i) > version(*best) ||
            (version(i) == version(*best) && created(i) > created(*best)))
            best = i;
    }
    return best;
}

}  // namespace

const Check& check_6_0_05_sagemaker_model_registry() {
    static const net::FnCheck check(
        {"6.0-05",
         "SageMaker Model Registry",
         "SageMaker",
         "low",
         {"sagemaker:ListModelPackageGroups", "sagemaker:ListModelPackages"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Latest model package approval status";
            net::Evals evals;
            std::vector<std::string> notes;
            std::mutex notes_mutex;
            for (const auto& region : scope.regions) {
                auto groups = net::list_items(
                    facts, scope, region, "SageMaker", "sagemaker", "ListModelPackageGroups", {},
                    "ModelPackageGroupSummaryList", "Model package group list", evals);
                if (!groups) continue;
                const auto names = net::ids_of(*groups, "ModelPackageGroupName");
                auto judged =
                    net::per_resource(names.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                        auto doc =
                            facts.aws_all_pages("sagemaker", "ListModelPackages",
                                                {{"ModelPackageGroupName", names[i]}}, region);
                        if (!doc)
                            return {error_evaluation("SageMaker", names[i], kField, doc.error(),
                                                     region, scope.account)};
                        const auto& packages = detection::array_at(*doc, "ModelPackageSummaryList");
                        const auto latest = latest_package(packages);
                        if (!latest) {
                            std::lock_guard lock(notes_mutex);
                            notes.push_back(names[i] + " (" + region +
                                            "): no model package to approve");
                            return {};
                        }
                        const auto& p = packages[*latest];
                        json::object extra{{"packages", packages.size()}};
                        for (const char* k : {"ModelPackageArn", "ModelPackageVersion",
                                              "ModelPackageStatus", "CreationTime"})
                            if (const auto* v = at_path(p, k); v != nullptr) extra[k] = *v;
                        const auto* status = at_path(p, "ModelApprovalStatus");
                        if (status == nullptr) extra["note"] = "no ModelApprovalStatus set";
                        return {evaluate(
                            {"SageMaker", names[i],
                             indexed("ModelPackageSummaryList", *latest, ".ModelApprovalStatus"),
                             kField, engine::Comparator::eq, "Approved",
                             status != nullptr ? *status : json::value(nullptr),
                             engine::Source::aws_sdk, region, scope.account, std::move(extra)})};
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            return net::result(info, std::move(evals), "modelPackageGroups", "latestApproved",
                               "no SageMaker model package groups with packages in the audited "
                               "regions",
                               std::move(notes));
        });
    return check;
}

}  // namespace dspm::checks
