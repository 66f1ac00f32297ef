// 13.0-03 S3 access point policies: no access point of the audited account (ListAccessPoints, then
// GetAccessPointPolicyStatus per point, per region) has a policy S3 judges public
// (PolicyStatus.IsPublic false).
// Judgement: an access point without a policy (NoSuchAccessPointPolicy) grants nothing through a
// policy, so it is not public: COMPLIANT with observed false and a note saying the policy is absent
// (the answer was read; nothing is assumed). No access points -> SKIPPED.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/platform_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_13_0_03_s3_access_point_policy() {
    static const net::FnCheck check(
        {"13.0-03",
         "S3 Access Point",
         "S3",
         "high",
         {"s3:ListAccessPoints", "s3:GetAccessPointPolicyStatus"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Access point policy is public";
            const std::string account = platform::s3control_account(facts, scope);
            net::Evals evals;
            for (const auto& region : scope.regions) {
                auto points = platform::access_points(facts, scope, region, evals);
                if (!points) continue;
                const auto names = net::ids_of(*points, "Name");
                auto judged =
                    net::per_resource(names.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                        auto doc = facts.aws("s3control", "GetAccessPointPolicyStatus",
                                             {{"AccountId", account}, {"Name", names[i]}}, region);
                        json::value observed = nullptr;
                        json::object extra;
                        if (!doc) {
                            if (!is_error_code(doc.error(), "NoSuchAccessPointPolicy"))
                                return {error_evaluation("S3", names[i], kField, doc.error(),
                                                         region, scope.account)};
                            observed = false;
                            extra["note"] =
                                "no access point policy: nothing is granted by a policy";
                        } else if (const auto* v = at_path(*doc, "PolicyStatus.IsPublic")) {
                            observed = *v;
                        } else {
                            extra["note"] = "no PolicyStatus.IsPublic in the answer";
                        }
                        return {evaluate({"S3", names[i], "PolicyStatus.IsPublic", kField,
                                          engine::Comparator::eq, false, std::move(observed),
                                          engine::Source::aws_sdk, region, scope.account,
                                          std::move(extra)})};
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            return net::result(info, std::move(evals), "totalAccessPoints", "notPublic",
                               "no S3 access points in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
