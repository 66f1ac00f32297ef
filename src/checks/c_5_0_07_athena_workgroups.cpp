// 5.0-07 Athena workgroups: per region, every workgroup enforces its configuration
// (WorkGroup.Configuration.EnforceWorkGroupConfiguration == true) and keeps query results
// (ResultConfiguration.OutputLocation set), as the catalog's return fields say. The result
// encryption option is kept in extra (not judged: the catalog does not ask for it).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_5_0_07_athena_workgroups() {
    static const net::FnCheck check(
        {"5.0-07",
         "Athena Workgroup",
         "Athena",
         "low",
         {"athena:ListWorkGroups", "athena:GetWorkGroup"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{
                {"Configuration.EnforceWorkGroupConfiguration", "Workgroup configuration enforced",
                 engine::Comparator::eq, true},
                {"Configuration.ResultConfiguration.OutputLocation", "Query result location",
                 engine::Comparator::exists, nullptr, "no output location"}};
            net::ListDescribe spec{"Athena",     "athena", "ListWorkGroups",         {},
                                   "WorkGroups", "Name",   "Workgroup list",         "GetWorkGroup",
                                   "WorkGroup",  {},       "Workgroup configuration"};
            spec.token_paging = true;
            spec.token_in = "NextToken";
            spec.token_out = "NextToken";
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    static const json::value empty = json::object{};
                    const auto* wg = at_path(doc, "WorkGroup");
                    json::object extra;
                    if (wg != nullptr) {
                        if (const auto* o = at_path(*wg,
                                                    "Configuration.ResultConfiguration."
                                                    "EncryptionConfiguration.EncryptionOption"))
                            extra["EncryptionOption"] = *o;
                    }
                    return net::judge_fields("Athena", id, wg != nullptr ? *wg : empty, "WorkGroup",
                                             fields, region, scope, extra);
                });
            return net::result(info, std::move(evals), "workgroupChecks", "passed",
                               "no Athena workgroups in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
