// 2.0-04 Redshift encryption: every cluster in each audited region has Encrypted == true.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Cluster encryption";

class RedshiftEncryption final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "2.0-04", "Redshift", "Redshift", "high", {"redshift:DescribeClusters"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "redshift-clusters", notes);
        for (const auto& region : scope.regions) {
            if (rows) {
                for (const auto* row : rows_in_region(*rows, region, facts.default_region())) {
                    const std::string id = first_string(*row, {"cluster_identifier", "name"});
                    if (const auto* v = row->if_contains("encrypted")) {
                        evals.push_back(
                            evaluate({"Redshift", id, "encrypted", kField, engine::Comparator::eq,
                                      true, *v, engine::Source::collector, region, scope.account}));
                        continue;
                    }
                    auto doc = facts.aws("redshift", "DescribeClusters",
                                         {{"ClusterIdentifier", id}}, region);
                    if (!doc) {
                        evals.push_back(error_evaluation("Redshift", id, kField, doc.error(),
                                                         region, scope.account));
                        continue;
                    }
                    const auto* v = at_path(*doc, "Clusters[0].Encrypted");
                    evals.push_back(evaluate({"Redshift", id, "Clusters[0].Encrypted", kField,
                                              engine::Comparator::eq, true,
                                              v != nullptr ? *v : json::value(nullptr),
                                              engine::Source::aws_sdk, region, scope.account}));
                }
                continue;
            }
            auto doc = facts.aws_all_pages("redshift", "DescribeClusters", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("Redshift", "*", "Cluster list", doc.error(),
                                                 region, scope.account));
                continue;
            }
            const auto* items = at_path(*doc, "Clusters");
            if (items == nullptr || !items->is_array()) continue;
            for (std::size_t i = 0; i < items->get_array().size(); ++i) {
                const auto& c = items->get_array()[i];
                const auto* v = at_path(c, "Encrypted");
                evals.push_back(
                    evaluate({"Redshift", string_at(c, "ClusterIdentifier"),
                              indexed("Clusters", i, ".Encrypted"), kField, engine::Comparator::eq,
                              true, v != nullptr ? *v : json::value(nullptr),
                              engine::Source::aws_sdk, region, scope.account}));
            }
        }
        auto evidence = status_evidence(evals, "totalClusters", "encrypted");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no Redshift clusters in the audited regions");
        r.notes = std::move(notes);
        return r;
    }
};

}  // namespace

const Check& check_2_0_04_redshift_encryption() {
    static const RedshiftEncryption check;
    return check;
}

}  // namespace dspm::checks
