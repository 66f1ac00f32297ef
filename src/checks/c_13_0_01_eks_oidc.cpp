// 13.0-01 EKS pod IAM roles (IRSA / EKS Pod Identity): per cluster, in every audited region, the
// cluster's pods can take IAM roles of their own instead of sharing the node role.
// Every EKS cluster has an OIDC issuer URL (cluster.identity.oidc.issuer), so the issuer alone
// proves nothing: IAM roles for service accounts work only when the account has an IAM OIDC
// identity provider for that issuer. Judged per cluster, one evaluation each:
//  - COMPLIANT when iam:ListOpenIDConnectProviders (IAM is global: read once, in the global
//    region) holds a provider whose ARN is arn:PARTITION:iam::ACCOUNT:oidc-provider/ followed by
//    the issuer URL without "https://" (host compared case-insensitively, trailing "/" ignored);
//  - else COMPLIANT when eks:ListPodIdentityAssociations of the cluster (every page) is non-empty:
//    EKS Pod Identity is the other way to give pods IAM roles (read only when no provider matched);
//  - else NON_COMPLIANT, observed null, with the issuer and the provider ARN suffix it lacks.
// A failed read is an ERROR naming its IAM action unless the other way already proved the cluster
// compliant (a denied provider list with Pod Identity associations present is COMPLIANT; a denied
// provider list without them is an ERROR, since IRSA could be set up).
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <optional>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "IAM roles for pods (IRSA OIDC provider or EKS Pod Identity)";

// "https://oidc.eks.REGION.amazonaws.com/id/X/" -> "oidc.eks.region.amazonaws.com/id/X": the
// form IAM keeps after "oidc-provider/" in the provider's ARN.
std::string provider_key(std::string url) {
    constexpr std::string_view scheme = "https://";
    if (url.size() >= scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), url.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
        url.erase(0, scheme.size());
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    const auto slash = std::min(url.find('/'), url.size());
    std::transform(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(slash), url.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return url;
}

// Index of the provider whose ARN names the issuer, or nullopt.
std::optional<std::size_t> matching_provider(const json::array& providers, const std::string& key) {
    constexpr std::string_view marker = ":oidc-provider/";
    for (std::size_t i = 0; i < providers.size(); ++i) {
        const std::string arn = string_at(providers[i], "Arn");
        const auto pos = arn.find(marker);
        if (pos != std::string::npos && provider_key(arn.substr(pos + marker.size())) == key)
            return i;
    }
    return std::nullopt;
}

net::Evals judge(inventory::Facts& facts, const CheckScope& scope, const std::string& id,
                 const json::value& cluster, const std::string& region) {
    const std::string issuer = string_at(cluster, "identity.oidc.issuer");
    const std::string key = issuer.empty() ? std::string() : provider_key(issuer);
    json::object extra{{"issuer", issuer.empty() ? json::value(nullptr) : json::value(issuer)}};
    if (const auto* arn = at_path(cluster, "arn"); arn != nullptr) extra["clusterArn"] = *arn;

    // The run's cache answers every cluster's lookup from one read.
    auto providers = facts.aws("iam", "ListOpenIDConnectProviders", {}, scope.global_region);
    if (providers && !key.empty()) {
        const auto* list = at_path(*providers, "OpenIDConnectProviderList");
        if (list != nullptr && list->is_array()) {
            if (auto k = matching_provider(list->get_array(), key)) {
                extra["mechanism"] = "IRSA";
                const auto& arn = list->get_array()[*k].as_object().at("Arn");
                return {
                    evaluate({"EKS", id, indexed("OpenIDConnectProviderList", *k, ".Arn"), kField,
                              engine::Comparator::exists, nullptr, arn, engine::Source::aws_sdk,
                              region, scope.account, std::move(extra)})};
            }
        }
    }

    auto pods =
        facts.aws_all_pages("eks", "ListPodIdentityAssociations", {{"clusterName", id}}, region);
    std::size_t associations = 0;
    if (pods) {
        if (const auto* a = at_path(*pods, "associations"); a != nullptr && a->is_array())
            associations = a->get_array().size();
    }
    if (associations > 0) {
        extra["mechanism"] = "EKS Pod Identity";
        extra["note"] = providers ? "no IAM OIDC provider for the cluster's issuer; pods take IAM "
                                    "roles through EKS Pod Identity associations"
                                  : "IAM OIDC providers not read; pods take IAM roles through EKS "
                                    "Pod Identity associations";
        return {
            evaluate({"EKS", id, "associations", kField, engine::Comparator::ge, 1, associations,
                      engine::Source::aws_sdk, region, scope.account, std::move(extra)})};
    }
    if (!providers) {
        auto e = error_evaluation("EKS", id, kField, providers.error(), region, scope.account);
        if (!pods && pods.error().kind == aws::ErrorKind::permission_denied) {
            auto& missing = e.extra["missingPermissions"];
            if (!missing.is_array()) missing = json::array{};
            missing.as_array().push_back(json::string(pods.error().iam_action));
        }
        return {std::move(e)};
    }
    if (!pods) return {error_evaluation("EKS", id, kField, pods.error(), region, scope.account)};
    extra["podIdentityAssociations"] = 0;
    if (!key.empty()) extra["expectedProviderArnSuffix"] = "oidc-provider/" + key;
    extra["note"] = issuer.empty() ? "the cluster has no OIDC issuer and no EKS Pod Identity "
                                     "associations: pods can only use the node role"
                                   : "no IAM OIDC provider for the cluster's issuer and no EKS Pod "
                                     "Identity associations: pods can only use the node role";
    return {evaluate({"EKS", id, "OpenIDConnectProviderList[*].Arn", kField,
                      engine::Comparator::exists, nullptr, nullptr, engine::Source::aws_sdk, region,
                      scope.account, std::move(extra)})};
}

}  // namespace

const Check& check_13_0_01_eks_oidc() {
    static const net::FnCheck check(
        {"13.0-01",
         "EKS(IRSA)",
         "EKS",
         "medium",
         {"eks:ListClusters", "eks:DescribeCluster", "iam:ListOpenIDConnectProviders",
          "eks:ListPodIdentityAssociations"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            auto evals = net::eks_clusters(
                facts, scope, kField,
                [&](const std::string& id, const json::value& cluster, const std::string& region) {
                    return judge(facts, scope, id, cluster, region);
                });
            return net::result(info, std::move(evals), "totalClusters", "podIamRoles",
                               "no EKS clusters in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
