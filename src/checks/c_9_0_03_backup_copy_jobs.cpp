// 9.0-03 AWS Backup copies to a DR destination: each audited region has AWS Backup copy jobs
// (ListCopyJobs non-empty). ListCopyJobs only reaches back as far as AWS Backup keeps job history,
// so a plan that copies rarely can look absent: the note says so.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace {

class BackupCopyJobs final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "9.0-03",        "AWS Backup Copy",     "Backup", "medium", {"backup:ListCopyJobs"},
            Reach::regional, Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const storage::PresenceSpec spec{"Backup",
                                                "backup",
                                                "ListCopyJobs",
                                                "CopyJobs",
                                                "AWS Backup copy jobs",
                                                "regionsWithCopyJobs",
                                                "no AWS Backup copy job in the region's job "
                                                "history (add a copy rule to a backup plan)"};
        return storage::presence_per_region(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_9_0_03_backup_copy_jobs() {
    static const BackupCopyJobs check;
    return check;
}

}  // namespace dspm::checks
