// 12.0-05 CloudFront OAC: every S3 origin of every distribution has a non-empty
// OriginAccessControlId, one evaluation per S3 origin. S3 website endpoints are custom origins
// (they cannot use OAC) and are out of scope. A legacy origin access identity (OAI) does restrict
// the bucket too, but the catalog's field is OriginAccessControlId and AWS deprecates OAI: such an
// origin fails with extra.originAccessIdentity and a note.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "OriginAccessControlId of the S3 origin";

bool is_s3_origin(const json::value& origin) {
    const std::string domain = string_at(origin, "DomainName");
    if (domain.find("s3-website") != std::string::npos) return false;
    if (at_path(origin, "S3OriginConfig") != nullptr) return true;
    return domain.find(".s3.") != std::string::npos || domain.find(".s3-") != std::string::npos;
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    auto dists = net::cloudfront_distributions(facts, scope, "Origins.Items", false, kField, evals);
    std::size_t without_s3 = 0;
    if (dists) {
        for (const auto& d : *dists) {
            const bool from_config = !d.config.is_null();
            const json::value& doc = from_config ? d.config : d.summary;
            const std::string base = from_config ? "DistributionConfig" : d.summary_path;
            const auto* origins = at_path(doc, "Origins.Items");
            bool any = false;
            if (origins != nullptr && origins->is_array()) {
                for (std::size_t j = 0; j < origins->get_array().size(); ++j) {
                    const auto& o = origins->get_array()[j];
                    if (!is_s3_origin(o)) continue;
                    any = true;
                    json::object extra{{"originId", string_at(o, "Id")},
                                       {"originDomainName", string_at(o, "DomainName")},
                                       {"distributionDomainName", d.domain_name}};
                    const std::string oai = string_at(o, "S3OriginConfig.OriginAccessIdentity");
                    auto observed = net::present_or_null(at_path(o, "OriginAccessControlId"));
                    if (observed.is_null()) {
                        extra["note"] =
                            oai.empty() ? "no OAC or OAI: the bucket must be public to serve"
                                        : "legacy OAI only: migrate to an origin access control";
                    }
                    if (!oai.empty()) extra["originAccessIdentity"] = oai;
                    evals.push_back(
                        evaluate({"CloudFront", d.id,
                                  indexed(base + ".Origins.Items", j, ".OriginAccessControlId"),
                                  kField, engine::Comparator::exists, nullptr, std::move(observed),
                                  engine::Source::aws_sdk, scope.global_region, scope.account,
                                  std::move(extra)}));
                }
            }
            if (!any) ++without_s3;
        }
    }
    auto evidence = status_evidence(evals, "s3Origins", "oacAttached");
    evidence["distributions"] = dists ? dists->size() : 0;
    evidence["distributionsWithoutS3Origins"] = without_s3;
    return finish(info, std::move(evals), std::move(evidence),
                  dists && !dists->empty()
                      ? "no S3 origins in the account's CloudFront distributions"
                      : "no CloudFront distributions in the account");
}

}  // namespace

const Check& check_12_0_05_cloudfront_oac() {
    static const net::FnCheck check(
        {"12.0-05",
         "CloudFront OAC",
         "CloudFront",
         "medium",
         {"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"},
         Reach::global},
        run);
    return check;
}

}  // namespace dspm::checks
