// 5.0-04 SageMaker Feature Store: per region, every feature group of ListFeatureGroups has
// FeatureGroupStatus Created.
// Judgement: the catalog judges health (Created/Active vs Failed), not presence, so an account
// without feature groups has nothing to judge and is SKIPPED rather than NON_COMPLIANT. "Active"
// is not a FeatureGroupStatus value (Creating, Created, CreateFailed, Deleting, DeleteFailed);
// Created is the healthy one. Creating and Deleting are judged as seen (not yet/no longer usable).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_5_0_04_sagemaker_feature_store() {
    static const net::FnCheck check(
        {"5.0-04", "SageMaker Feature Store", "SageMaker", "low", {"sagemaker:ListFeatureGroups"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "SageMaker",
                "sagemaker",
                "ListFeatureGroups",
                {},
                "FeatureGroupSummaries",
                "FeatureGroupName",
                "Feature group list",
                {{"FeatureGroupStatus", "Feature group status", engine::Comparator::eq, "Created",
                  "no FeatureGroupStatus in the answer"}},
                {"FeatureGroupArn", "OfflineStoreStatus"},
                "totalFeatureGroups",
                "created",
                "no SageMaker feature groups in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
