// 3.0-08 CloudFront logging: per distribution, DistributionConfig.Logging.Enabled == true (the list
// summary has no Logging, so the config is always read; the fact cache shares it with the other
// CloudFront codes). Real-time logs on the default cache behaviour also satisfy the code ("standard
// or real-time logging"): such a distribution is judged on RealtimeLogConfigArn instead.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Standard logging enabled";

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    auto dists = net::cloudfront_distributions(facts, scope, "", true, kField, evals);
    if (dists) {
        for (const auto& d : *dists) {
            json::object extra{{"domainName", d.domain_name}};
            const auto* enabled = at_path(d.config, "Logging.Enabled");
            const bool standard = enabled != nullptr && enabled->is_bool() && enabled->get_bool();
            const std::string realtime =
                string_at(d.config, "DefaultCacheBehavior.RealtimeLogConfigArn");
            if (!standard && !realtime.empty()) {
                extra["note"] = "standard logging off; real-time logging configured";
                evals.push_back(
                    evaluate({"CloudFront", d.id,
                              "DistributionConfig.DefaultCacheBehavior."
                              "RealtimeLogConfigArn",
                              "Real-time logging configured", engine::Comparator::exists, nullptr,
                              json::string(realtime), engine::Source::aws_sdk, scope.global_region,
                              scope.account, std::move(extra)}));
                continue;
            }
            if (standard) extra["bucket"] = string_at(d.config, "Logging.Bucket");
            evals.push_back(evaluate(
                {"CloudFront", d.id, "DistributionConfig.Logging.Enabled", kField,
                 engine::Comparator::eq, true, enabled != nullptr ? *enabled : json::value(nullptr),
                 engine::Source::aws_sdk, scope.global_region, scope.account, std::move(extra)}));
        }
    }
    return net::result(info, std::move(evals), "totalDistributions", "loggingEnabled",
                       "no CloudFront distributions in the account");
}

}  // namespace

const Check& check_3_0_08_cloudfront_logging() {
    static const net::FnCheck check(
        {"3.0-08",
         "CloudFront Logs",
         "CloudFront",
         "low",
         {"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"},
         Reach::global},
        run);
    return check;
}

}  // namespace dspm::checks
