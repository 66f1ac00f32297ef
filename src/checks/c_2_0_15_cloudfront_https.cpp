// 2.0-15 CloudFront HTTPS: per distribution, the default cache behaviour and every other cache
// behaviour must redirect to HTTPS or allow HTTPS only. Each offending path pattern gets its own
// evaluation so that the fix is obvious.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The fix: every behaviour that allows plain HTTP redirects it to HTTPS (viewers keep working;
// https-only would break links written with http://). CloudFront takes a whole configuration with
// the ETag of the version it replaces, so the call is completed from GetDistributionConfig right
// before it is made, and the undo puts back the configuration read then, with the ETag current at
// undo time.
class CloudFrontHttpsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back({"cloudfront", "UpdateDistribution", {{"Id", failing.resource_id}}});
        p.iam_actions = {"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"};
        p.risk =
            "viewers asking over http:// get a redirect to https://; the change deploys to every "
            "edge location in minutes";
        p.expected_after = "redirect-to-https";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = read(aws, failing);
        if (!doc) return unexpected(doc.error());
        const auto* config = at_path(*doc, "DistributionConfig");
        if (config == nullptr) return std::vector<FixCall>{};
        return std::vector<FixCall>{
            {"cloudfront",
             "UpdateDistribution",
             {{"Id", failing.resource_id}, {"DistributionConfig", *config}}}};
    }
    Expected<std::vector<FixCall>, aws::AwsError> prepare(
        aws::AwsClient& aws, const Evaluation& failing,
        std::vector<FixCall> planned) const override {
        auto doc = read(aws, failing);
        if (!doc) return unexpected(doc.error());
        const std::string etag = string_at(*doc, "ETag");
        for (auto& c : planned) {
            if (c.operation != "UpdateDistribution") continue;
            c.params["IfMatch"] = etag;
            // The fix's call is completed here; an undo's call carries its configuration.
            if (c.params.contains("DistributionConfig")) continue;
            json::value config = at_path(*doc, "DistributionConfig")
                                     ? *at_path(*doc, "DistributionConfig")
                                     : json::value(json::object{});
            if (auto* d = config.is_object()
                              ? config.as_object().if_contains("DefaultCacheBehavior")
                              : nullptr;
                d && d->is_object())
                redirect(d->as_object());
            if (const auto* items = at_path(config, "CacheBehaviors.Items");
                items && items->is_array())
                for (auto& cb :
                     config.as_object()["CacheBehaviors"].as_object()["Items"].as_array())
                    if (cb.is_object()) redirect(cb.as_object());
            c.params["DistributionConfig"] = std::move(config);
        }
        return planned;
    }

  private:
    static Expected<json::value, aws::AwsError> read(aws::AwsClient& aws,
                                                     const Evaluation& failing) {
        return aws.call("cloudfront", "GetDistributionConfig", {{"Id", failing.resource_id}},
                        {fix_region(failing, aws)});
    }
    static void redirect(json::object& behaviour) {
        const auto* v = behaviour.if_contains("ViewerProtocolPolicy");
        if (!v || !v->is_string() || v->as_string() == "allow-all")
            behaviour["ViewerProtocolPolicy"] = "redirect-to-https";
    }
};

class CloudFrontHttps final : public Check {
  public:
    const Fixer* fixer() const override {
        static const CloudFrontHttpsFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "2.0-15",
            "CloudFront",
            "CloudFront",
            "medium",
            {"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        auto doc = facts.aws_all_pages("cloudfront", "ListDistributions", {}, scope.global_region);
        if (!doc) {
            evals.push_back(error_evaluation("CloudFront", "*", "Distribution list", doc.error(),
                                             scope.global_region, scope.account));
            return finish(info(), std::move(evals), {}, "");
        }
        const json::value expected = json::array{"redirect-to-https", "https-only"};
        const auto* items = at_path(*doc, "DistributionList.Items");
        std::size_t total = 0, compliant = 0, non_compliant = 0;
        if (items != nullptr && items->is_array()) {
            const auto& arr = items->get_array();
            total = arr.size();
            for (std::size_t i = 0; i < arr.size(); ++i) {
                const std::string id = string_at(arr[i], "Id");
                const json::value* d = &arr[i];
                std::string base = indexed("DistributionList.Items", i);
                // Some list answers (moto's) omit the behaviours: read the distribution's config.
                json::value config;
                if (at_path(*d, "DefaultCacheBehavior") == nullptr) {
                    auto c = facts.aws("cloudfront", "GetDistributionConfig", {{"Id", id}},
                                       scope.global_region);
                    if (!c) {
                        evals.push_back(error_evaluation("CloudFront", id, "ViewerProtocolPolicy",
                                                         c.error(), scope.global_region,
                                                         scope.account));
                        continue;
                    }
                    config = std::move(*c);
                    const auto* dc = at_path(config, "DistributionConfig");
                    d = dc != nullptr ? dc : &config;
                    base = "DistributionConfig";
                }
                bool ok = true;
                auto add = [&](const std::string& path, const std::string& field,
                               const json::value* observed, json::object extra) {
                    auto e = evaluate({"CloudFront", id, path, field, engine::Comparator::in,
                                       expected, observed ? *observed : json::value(nullptr),
                                       engine::Source::aws_sdk, scope.global_region, scope.account,
                                       std::move(extra)});
                    ok = ok && e.passed;
                    evals.push_back(std::move(e));
                };
                add(base + ".DefaultCacheBehavior.ViewerProtocolPolicy",
                    "ViewerProtocolPolicy of the default cache behaviour",
                    at_path(*d, "DefaultCacheBehavior.ViewerProtocolPolicy"),
                    json::object{{"pathPattern", "*"},
                                 {"domainName", string_at(arr[i], "DomainName")}});
                if (const auto* cbs = at_path(*d, "CacheBehaviors.Items");
                    cbs != nullptr && cbs->is_array()) {
                    for (std::size_t j = 0; j < cbs->get_array().size(); ++j) {
                        const auto& cb = cbs->get_array()[j];
                        const std::string pattern = string_at(cb, "PathPattern");
                        add(indexed(base + ".CacheBehaviors.Items", j, ".ViewerProtocolPolicy"),
                            "ViewerProtocolPolicy of cache behaviour \"" + pattern + "\"",
                            at_path(cb, "ViewerProtocolPolicy"),
                            json::object{{"pathPattern", pattern}});
                    }
                }
                ok ? ++compliant : ++non_compliant;
            }
        }
        json::object evidence{{"totalDistributions", total},
                              {"httpsEnforced", compliant},
                              {"nonCompliant", non_compliant}};
        return finish(info(), std::move(evals), std::move(evidence),
                      "no CloudFront distributions in the account");
    }
};

}  // namespace

const Check& check_2_0_15_cloudfront_https() {
    static const CloudFrontHttps check;
    return check;
}

}  // namespace dspm::checks
