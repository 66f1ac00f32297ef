// audit --check/--service/--severity: the plan keeps the selected codes only, drops requirements
// left without any, keeps each kept row's summary flag, and the summary says it was filtered.
#include "engine/filter.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/engine.hpp"

namespace {

using dspm::engine::AuditPlan;
using dspm::engine::PlanFilter;

dspm::catalog::Requirement row(const std::string& item, std::vector<std::string> codes,
                               std::vector<std::string> services = {}) {
    dspm::catalog::Requirement r;
    r.item_code = item;
    r.mapping_codes = std::move(codes);
    r.mapping_services = std::move(services);
    return r;
}

// Three controls and a checkpoint, as a whole-framework plan holds them.
AuditPlan plan() {
    AuditPlan p;
    p.framework = "ISMS-P";
    p.all = true;
    p.requirements = {row("2.5.1", {"1.0-04", "2.0-01"}, {"IAM Password Policy", "S3"}),
                      row("2.5.1.2", {"2.0-01"}), row("2.10.1", {"8.0-01"}), row("1.1.1", {})};
    p.in_summary = {true, false, true, true};
    p.checkpoints_folded = 1;
    dspm::catalog::Mapping m;
    m.code = "9.9-99";  // a code only the catalog knows
    m.service = "Imaginary Service";
    m.severity = "low";
    p.mappings[m.code] = m;
    return p;
}

TEST(PlanFilter, ChecksKeepOnlyTheirCodesAndTheRowsThatUseThem) {
    auto p = plan();
    EXPECT_EQ(apply_filter(p, PlanFilter{{"2.0-01"}, {}, {}}), 2u);
    ASSERT_EQ(p.requirements.size(), 2u);
    EXPECT_EQ(p.requirements[0].item_code, "2.5.1");
    EXPECT_EQ(p.requirements[0].mapping_codes, std::vector<std::string>{"2.0-01"});
    EXPECT_EQ(p.requirements[0].mapping_services, std::vector<std::string>{"S3"});
    EXPECT_EQ(p.requirements[1].item_code, "2.5.1.2");
    EXPECT_EQ(p.in_summary, (std::vector<bool>{true, false}));
    EXPECT_EQ(p.checkpoints_folded, 1u);
    EXPECT_EQ(p.filter.checks, std::vector<std::string>{"2.0-01"});
}

TEST(PlanFilter, ServiceMatchesTheIamNamespaceOrTheLabelAndSeverityTheCheck) {
    auto p = plan();
    // ec2 is 8.0-01's namespace (ec2:DescribeSecurityGroups); iam is 1.0-04's.
    EXPECT_EQ(apply_filter(p, PlanFilter{{}, {"EC2", "iam"}, {}}), 2u);
    EXPECT_EQ(p.requirements[0].mapping_codes, std::vector<std::string>{"1.0-04"});
    EXPECT_EQ(p.requirements[1].item_code, "2.10.1");
    auto q = plan();
    EXPECT_EQ(apply_filter(q, PlanFilter{{}, {}, {"critical"}}), 1u);  // 8.0-01 alone
    EXPECT_EQ(q.requirements[0].item_code, "2.10.1");
    auto r = plan();
    EXPECT_EQ(apply_filter(r, PlanFilter{{"2.0-01"}, {}, {"critical"}}), 0u);  // both must hold
    auto none = plan();
    EXPECT_EQ(apply_filter(none, PlanFilter{}), 4u);  // no filter: the plan as it was
    EXPECT_EQ(none.in_summary.size(), 4u);
}

TEST(PlanFilter, VocabularyHoldsCodesNamespacesLabelsAndSeverities) {
    const auto v = dspm::engine::filter_vocabulary(plan());
    auto has = [](const std::vector<std::string>& list, const std::string& x) {
        return std::find(list.begin(), list.end(), x) != list.end();
    };
    EXPECT_TRUE(has(v.checks, "2.0-01"));
    EXPECT_TRUE(has(v.checks, "9.9-99"));
    EXPECT_TRUE(has(v.services, "s3"));
    EXPECT_TRUE(has(v.services, "kms"));
    EXPECT_TRUE(has(v.services, "imaginary service"));
    EXPECT_FALSE(has(v.services, "sts"));  // every check may ask who the caller is
    EXPECT_EQ(v.severities.size(), 4u);
}

TEST(PlanFilter, TheSummarySaysTheRunWasFiltered) {
    dspm::engine::AuditSummary s;
    EXPECT_FALSE(s.to_json().at("settings").as_object().contains("filter"));
    s.filter.severities = {"high"};
    const auto o = s.to_json();
    EXPECT_EQ(o.at("settings").at("filter").at("severities").as_array().size(), 1u);
}

}  // namespace
