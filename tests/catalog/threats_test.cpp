// The threat view over the embedded catalog: groups, applicable-compliance hits and the threats
// of a requirement, on the reference data's own rows.
#include "catalog/threats.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "catalog/local_source.hpp"

namespace {

namespace json = boost::json;
using dspm::catalog::FrameworkRow;
using dspm::catalog::Requirement;
using dspm::catalog::ThreatIndex;

struct Catalog {
    std::shared_ptr<dspm::catalog::LocalSource> source;
    Catalog() {
        auto s = dspm::catalog::LocalSource::embedded();
        EXPECT_TRUE(s) << (s ? "" : s.error());
        source = *s;
    }
    std::vector<Requirement> rows(const std::string& fw) { return *source->requirements(fw); }
    ThreatIndex index() {
        std::vector<FrameworkRow> others;
        for (const auto& fw : source->frameworks())
            if (fw.code != "SAGE-Threat")
                for (const auto& r : fw.requirements)
                    others.push_back({fw.code, r});
        return ThreatIndex(*dspm::catalog::embedded_threat_groups(), rows("SAGE-Threat"),
                           std::move(others));
    }
    Requirement threat(int id) {
        for (auto& r : rows("SAGE-Threat"))
            if (r.id == id) return r;
        ADD_FAILURE() << "no SAGE-Threat row " << id;
        return {};
    }
};

TEST(Threats, EntriesSplitIntoCodeAndTitle) {
    using dspm::catalog::split_entry;
    EXPECT_EQ(split_entry("12.3.1 Information backup"),
              (std::pair<std::string, std::string>{"12.3.1", "Information backup"}));
    EXPECT_EQ(split_entry(" 2.10.2.4 "), (std::pair<std::string, std::string>{"2.10.2.4", ""}));
    EXPECT_EQ(split_entry("Article 5. Principles"),
              (std::pair<std::string, std::string>{"", "Article 5. Principles"}));
    EXPECT_EQ(split_entry("5th floor"), (std::pair<std::string, std::string>{"", "5th floor"}));
    EXPECT_EQ(dspm::catalog::applicable_entries(" a ;; b;"), (std::vector<std::string>{"a", "b"}));
}

TEST(Threats, EveryGroupOfTheReferenceIsEmbeddedAndMostThreatsBelongToOne) {
    Catalog c;
    const auto groups = dspm::catalog::embedded_threat_groups();
    ASSERT_TRUE(groups);
    EXPECT_EQ(groups->size(), 17u);  // threat_groups.csv: 17 groups
    const auto index = c.index();
    std::size_t grouped = 0;
    const auto threats = c.rows("SAGE-Threat");
    for (const auto& t : threats)
        if (!index.groups_of(t).empty()) ++grouped;
    // 96 by exact title, 2 by containment; the 4 others are in no group of the reference.
    EXPECT_EQ(grouped, 98u) << threats.size();
    EXPECT_EQ(index.groups_of(c.threat(157)),
              (std::vector<std::string>{"개인정보/민감정보 평문 노출"}));
}

TEST(Threats, ApplicableHitsResolveToTheRowsTheyName) {
    Catalog c;
    const auto index = c.index();
    // "12.3.1 Information backup;18.1.5 Regulation of cryptographic controls" (ISO 27017).
    const auto hits = index.applicable_hits(c.threat(157));
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].at("raw"), "12.3.1 Information backup");
    EXPECT_EQ(hits[0].at("code"), "12.3.1");
    EXPECT_EQ(hits[0].at("title"), "Information backup");
    const auto& m = hits[0].at("matches").as_array();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].at("framework_code"), "iso-27017");
    EXPECT_EQ(m[0].at("item_code"), "12.3.1");
    for (const char* k : {"id", "title", "regulation"})
        EXPECT_TRUE(m[0].as_object().contains(k)) << k;

    // Checkpoint numbers, a GDPR article by its reference spelling, and no false friends.
    const auto more = index.applicable_hits(c.threat(155));
    std::set<std::string> named;
    for (const auto& h : more)
        for (const auto& x : h.at("matches").as_array())
            named.insert(std::string(x.at("framework_code").as_string()) + " " +
                         std::string(x.at("item_code").as_string()));
    EXPECT_TRUE(named.contains("ISMS-P 3.2.4.1")) << json::serialize(more);
    EXPECT_TRUE(named.contains("GDPR Art. 5")) << json::serialize(more);
    for (const auto& n : named)
        EXPECT_EQ(n.find("SAGE-Threat"), std::string::npos) << n;
}

TEST(Threats, ARequirementCarriesTheThreatsNamingItAndThoseSharingItsChecks) {
    Catalog c;
    const auto index = c.index();
    Requirement checkpoint;
    for (auto& r : c.rows("ISMS-P"))
        if (r.item_code == "3.2.4.1") checkpoint = r;
    json::object row;
    index.add_threats(checkpoint, row);
    ASSERT_TRUE(row.at("fixed_threats").is_array()) << json::serialize(row);
    bool named_by_155 = false;
    for (const auto& t : row.at("fixed_threats").as_array()) {
        if (t.at("id") == 155) named_by_155 = true;
        EXPECT_TRUE(t.at("score").is_null());
        EXPECT_NE(std::string(t.at("reasons").at(0).as_string()).find("3.2.4.1"),
                  std::string::npos);
        for (const char* k : {"id", "title", "group_name", "score", "reasons"})
            EXPECT_TRUE(t.as_object().contains(k)) << k;
    }
    EXPECT_TRUE(named_by_155);

    // 2.7.1 (cryptography) names many encryption codes: the plain-text threat 156 covers them.
    Requirement crypto;
    for (auto& r : c.rows("ISMS-P"))
        if (r.item_code == "2.7.1") crypto = r;
    json::object crow;
    index.add_threats(crypto, crow);
    ASSERT_TRUE(crow.at("suggested_threats").is_array()) << json::serialize(crow);
    const auto& s = crow.at("suggested_threats").as_array();
    EXPECT_LE(s.size(), 8u);
    double last = 2;
    for (const auto& t : s) {
        const double score = t.at("score").as_double();
        EXPECT_GE(score, 0.5);
        EXPECT_LE(score, last);  // best first
        last = score;
        EXPECT_NE(std::string(t.at("reasons").at(0).as_string()).find("2.0-"), std::string::npos);
    }
    EXPECT_FALSE(crow.at("threats").as_array().empty());

    // No codes and no named threat: nulls, as the original answers.
    Requirement empty;
    empty.item_code = "0.0.0";
    json::object erow;
    index.add_threats(empty, erow);
    EXPECT_TRUE(erow.at("threats").is_null());
    EXPECT_TRUE(erow.at("suggested_threats").is_null());
}

}  // namespace
