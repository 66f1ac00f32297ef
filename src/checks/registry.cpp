#include "checks/all.hpp"
#include "checks/groups.hpp"

namespace dspm::checks {

namespace {
std::vector<const Check*> build_registry() {
    std::vector<const Check*> checks{&check_1_0_01_sso_permission_sets(),
                                     &check_1_0_02_org_scp(),
                                     &check_1_0_06_root_mfa(),
                                     &check_2_0_01_s3_sse_kms(),
                                     &check_2_0_02_rds_encryption(),
                                     &check_2_0_03_dynamodb_sse(),
                                     &check_2_0_04_redshift_encryption(),
                                     &check_2_0_15_cloudfront_https(),
                                     &check_11_0_02_config_conformance()};
    for (auto group :
         {detection_checks, storage_checks, network_checks, data_ml_checks, platform_checks}) {
        for (const Check* c : group())
            checks.push_back(c);
    }
    return checks;
}
}  // namespace

std::vector<const Check*> all_checks() {
    // Built once: find_check is called for every planned code of every run.
    static const std::vector<const Check*> registry = build_registry();
    return registry;
}

std::string_view to_string(Reach reach) {
    return reach == Reach::global ? "global" : "regional";
}

std::string_view to_string(Applicability applicability) {
    switch (applicability) {
        case Applicability::control:
            return "control";
        case Applicability::one_way:
            return "one_way";
        case Applicability::resource_setting:
            break;
    }
    return "resource_setting";
}

const Check* find_check(std::string_view code) {
    for (const Check* c : all_checks()) {
        if (c->info().code == code) return c;
    }
    return nullptr;
}

}  // namespace dspm::checks
