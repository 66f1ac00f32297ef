// 12.0-02 DataSync: each audited region has at least one DataSync task (ListTasks), the catalog's
// "present": data moves between stores through a managed, encrypted, logged transfer.
// Judgement: any task counts whatever its status; the code asks whether the managed path exists.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_12_0_02_datasync_tasks() {
    static const net::FnCheck check(
        {"12.0-02",
         "DataSync",
         "DataSync",
         "low",
         {"datasync:ListTasks"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            return detection::regional_count(
                info, facts, scope,
                detection::RegionalCount{
                    "DataSync", "datasync", "ListTasks", {}, "Tasks", "DataSync tasks"});
        });
    return check;
}

}  // namespace dspm::checks
