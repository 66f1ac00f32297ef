// 16.0-03 CodeBuild: per region, every project (ListProjects, BatchGetProjects in batches of 100)
// has an encryptionKey and, when it produces artifacts, artifacts.encryptionDisabled is not true.
// Two evaluations per project with artifacts, one for NO_ARTIFACTS projects.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    for (const auto& region : scope.regions) {
        auto listed = net::list_items(facts, scope, region, "CodeBuild", "codebuild",
                                      "ListProjects", {}, "projects", "Project list", evals);
        if (!listed) continue;
        const auto names = net::ids_of(*listed, "");
        const std::size_t batches = (names.size() + 99) / 100;
        auto per_batch = net::per_resource(batches, scope.fanout, [&](std::size_t b) {
            json::array batch;
            for (std::size_t i = b * 100; i < names.size() && i < (b + 1) * 100; ++i)
                batch.push_back(json::string(names[i]));
            auto doc = facts.aws("codebuild", "BatchGetProjects", {{"names", batch}}, region);
            if (!doc) {
                net::Evals errs;
                for (const auto& n : batch)
                    errs.push_back(error_evaluation("CodeBuild", std::string(n.as_string()),
                                                    "encryptionKey", doc.error(), region,
                                                    scope.account));
                return errs;
            }
            net::Evals out;
            const auto* projects = at_path(*doc, "projects");
            if (projects == nullptr || !projects->is_array()) return out;
            for (std::size_t i = 0; i < projects->get_array().size(); ++i) {
                const auto& p = projects->get_array()[i];
                std::vector<net::Field> fields{{"encryptionKey", "Artifact encryption key",
                                                engine::Comparator::exists, nullptr,
                                                "no encryption key"}};
                if (string_at(p, "artifacts.type") != "NO_ARTIFACTS")
                    fields.push_back({"artifacts.encryptionDisabled",
                                      "Artifact encryption disabled", engine::Comparator::ne,
                                      true});
                for (auto& e : net::judge_fields("CodeBuild", string_at(p, "name"), p,
                                                 indexed("projects", i), fields, region, scope))
                    out.push_back(std::move(e));
            }
            return out;
        });
        for (auto& e : per_batch)
            evals.push_back(std::move(e));
    }
    return net::result(info, std::move(evals), "projectChecks", "passed",
                       "no CodeBuild projects in the audited regions");
}

}  // namespace

const Check& check_16_0_03_codebuild_encryption() {
    static const net::FnCheck check({"16.0-03",
                                     "CodeBuild",
                                     "CodeBuild",
                                     "medium",
                                     {"codebuild:ListProjects", "codebuild:BatchGetProjects"}},
                                    run);
    return check;
}

}  // namespace dspm::checks
