// The embedded catalog's integrity: counts, unique ids, known codes, complete ISMS-P and Annex A.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "catalog/local_source.hpp"

namespace dspm::catalog {
namespace {

std::shared_ptr<LocalSource> cat() {
    static auto source = [] {
        auto s = LocalSource::embedded();
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error());
        return s ? *s : nullptr;
    }();
    return source;
}

TEST(CatalogIntegrity, Has105MappingCodesWithSeverityAndIamActions) {
    auto maps = cat()->mappings();
    ASSERT_TRUE(maps);
    EXPECT_EQ(maps->size(), 105u);
    std::set<std::string> codes;
    const std::regex action("^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$");
    const std::set<std::string> severities{"critical", "high", "medium", "low"};
    for (const auto& m : *maps) {
        EXPECT_TRUE(codes.insert(m.code).second) << "duplicate " << m.code;
        EXPECT_TRUE(severities.count(m.severity)) << m.code;
        EXPECT_FALSE(m.iam_actions.empty()) << m.code;
        for (const auto& a : m.iam_actions)
            EXPECT_TRUE(std::regex_match(a, action)) << m.code << " " << a;
        EXPECT_FALSE(m.cli_cmd.empty()) << m.code;
    }
    auto s3 = cat()->find_mapping("2.0-01");
    ASSERT_NE(s3, nullptr);
    EXPECT_NE(
        std::find(s3->iam_actions.begin(), s3->iam_actions.end(), "s3:GetEncryptionConfiguration"),
        s3->iam_actions.end());
}

TEST(CatalogIntegrity, RequirementCountsPerFramework) {
    const std::map<std::string, int> expected{
        {"ISMS-P", 217},  {"iso-27001", 98},   {"iso-27017", 23},    {"iso-27701", 27},
        {"GDPR", 26},     {"PIPA", 10},        {"soc2", 20},         {"eu-ai-act", 21},
        {"iso-42001", 9}, {"nist-ai-rmf", 20}, {"SAGE-Threat", 102}, {"korea-ai-act", 8}};
    auto stats = cat()->stats();
    ASSERT_TRUE(stats);
    std::map<std::string, int> got;
    for (const auto& s : *stats)
        got[s.framework] = s.count;
    EXPECT_EQ(got, expected);
}

TEST(CatalogIntegrity, IdsUniqueAcrossFrameworksAndCodesKnown) {
    std::set<int> ids;
    for (const auto& fw : cat()->frameworks()) {
        std::set<std::string> items;
        for (const auto& r : fw.requirements) {
            EXPECT_GT(r.id, 0);
            EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
            EXPECT_TRUE(items.insert(r.item_code).second) << fw.code << " " << r.item_code;
            for (const auto& c : r.mapping_codes)
                EXPECT_NE(cat()->find_mapping(c), nullptr)
                    << fw.code << " " << r.item_code << " → " << c;
            EXPECT_EQ(r.auditable, !r.mapping_codes.empty()) << r.item_code;
            if (!r.auditable) {
                EXPECT_FALSE(r.not_auditable_reason.empty()) << r.item_code;
            }
            EXPECT_EQ(r.mapping_services.size(), r.mapping_codes.size()) << r.item_code;
        }
    }
}

TEST(CatalogIntegrity, ReferenceIdsAreKept) {
    auto d = cat()->requirement("isms-p", "1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->requirement.item_code, "2.10.1.2");
    auto iso = cat()->requirement("ISO-27001", "118");
    ASSERT_TRUE(iso);
    EXPECT_EQ(iso->requirement.item_code, "A.8.24");
    auto alias = cat()->requirement("iso-27001", "8.24 Use of cryptography");
    ASSERT_TRUE(alias);
    EXPECT_EQ(alias->requirement.id, 118);
}

TEST(CatalogIntegrity, IsmsPHasAll101ControlsWithKoreanAndEnglishNames) {
    const auto* fw = cat()->find_framework("ISMS-P");
    ASSERT_NE(fw, nullptr);
    const std::regex control("^[123]\\.[0-9]+\\.[0-9]+$");
    int controls = 0, skipped = 0;
    const std::regex hangul("[\xEA-\xED]");
    for (const auto& r : fw->requirements) {
        if (!std::regex_match(r.item_code, control)) {
            EXPECT_FALSE(r.parent.empty()) << r.item_code;
            continue;
        }
        ++controls;
        EXPECT_TRUE(std::regex_search(r.title, hangul)) << r.item_code << " " << r.title;
        EXPECT_FALSE(r.title_en.empty()) << r.item_code;
        if (!r.auditable) ++skipped;
    }
    EXPECT_EQ(controls, 101);
    EXPECT_EQ(skipped, 58);  // management-system, physical and notice controls
    auto enc = cat()->requirement("ISMS-P", "2.7.1");
    ASSERT_TRUE(enc);
    EXPECT_EQ(enc->requirement.title, "암호정책 적용");
    EXPECT_TRUE(enc->requirement.auditable);
    EXPECT_FALSE(enc->mappings.empty());
}

TEST(CatalogIntegrity, Iso27001HasThe93AnnexAControls) {
    const auto* fw = cat()->find_framework("iso-27001");
    ASSERT_NE(fw, nullptr);
    int annex = 0;
    for (const auto& r : fw->requirements)
        if (r.item_code.rfind("A.", 0) == 0) ++annex;
    EXPECT_EQ(annex, 93);
    EXPECT_TRUE(cat()->requirement("iso-27001", "A.8.28"));
}

TEST(CatalogIntegrity, Iso27017AndGdprCoverTheRequiredItems) {
    for (const char* code : {"CLD.6.3.1", "CLD.8.1.5", "CLD.9.5.1", "CLD.9.5.2", "CLD.12.1.5",
                             "CLD.12.4.5", "CLD.13.1.4"})
        EXPECT_TRUE(cat()->requirement("iso-27017", code)) << code;
    for (const char* art : {"Art. 5", "Art. 24(1)", "Art. 25(1)", "Art. 28", "Art. 30(1)",
                            "Art. 32(1)", "Art. 33", "Art. 34", "Art. 35"})
        EXPECT_TRUE(cat()->requirement("gdpr", art)) << art;
}

TEST(CatalogIntegrity, UnknownFrameworkAndRequirementAreNotFound) {
    auto fw = cat()->requirements("nope");
    ASSERT_FALSE(fw);
    EXPECT_EQ(fw.error().kind, CatalogErrorKind::not_found);
    auto req = cat()->requirement("ISMS-P", "9.9.9");
    ASSERT_FALSE(req);
    EXPECT_EQ(req.error().kind, CatalogErrorKind::not_found);
}

}  // namespace
}  // namespace dspm::catalog
