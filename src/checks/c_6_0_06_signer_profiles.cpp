// 6.0-06 AWS Signer: per audited region, ListSigningProfiles answers at least one Active signing
// profile (code and model artefacts can be signed). Canceled and revoked profiles do not count.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check6006SignerProfiles final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "6.0-06",        "AWS Signer",          "Signer", "low", {"signer:ListSigningProfiles"},
            Reach::regional, Applicability::one_way};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "Signer",
            "signer",
            "ListSigningProfiles",
            {},
            "profiles",
            "Active signing profiles",
            true,
            {},
            [](const json::value& p) { return string_at(p, "status") == "Active"; },
            "[?status=='Active']",
            "regionsWithProfile"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_6_0_06_signer_profiles() {
    static const Check6006SignerProfiles check;
    return check;
}

}  // namespace dspm::checks
