// 8.0-08 S3 access points (VPC only): every access point of the audited account (s3control
// ListAccessPoints with AccountId, per region) has NetworkOrigin VPC, so it cannot be reached from
// the internet whatever its policy says.
// Judgement: the catalog reads get-access-point (VpcConfiguration.VpcId present, public access
// blocked); ListAccessPoints already carries NetworkOrigin and VpcConfiguration for every point,
// so no per-point read is needed; public exposure through the policy is judged by 13.0-03. No
// access points in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <string>

#include "checks/platform_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_8_0_08_s3_access_points_vpc() {
    static const net::FnCheck check(
        {"8.0-08", "S3 Access Points (VPC only)", "S3", "medium", {"s3:ListAccessPoints"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            for (const auto& region : scope.regions) {
                auto points = platform::access_points(facts, scope, region, evals);
                if (!points) continue;
                for (std::size_t i = 0; i < points->size(); ++i) {
                    const auto& ap = (*points)[i];
                    json::object extra;
                    if (auto b = string_at(ap, "Bucket"); !b.empty()) extra["Bucket"] = b;
                    if (auto v = string_at(ap, "VpcConfiguration.VpcId"); !v.empty())
                        extra["VpcId"] = v;
                    for (auto& e : net::judge_fields(
                             "S3", string_at(ap, "Name"), ap, indexed("AccessPointList", i),
                             {{"NetworkOrigin", "Network origin", engine::Comparator::eq, "VPC",
                               "no NetworkOrigin in the answer"}},
                             region, scope, extra))
                        evals.push_back(std::move(e));
                }
            }
            return net::result(info, std::move(evals), "totalAccessPoints", "vpcOnly",
                               "no S3 access points in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
