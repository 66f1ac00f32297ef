// The writers on one answer in the service's own shape (what POST /audit/... answers): quoting,
// escaping, statuses per format, muted findings, and refusals of what is not an audit answer.
#include "report/report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <pugixml.hpp>

#include "report/view.hpp"

namespace dspm::report {
namespace {

namespace json = boost::json;

json::object evaluation(const std::string& id, const std::string& status,
                        const std::string& observed) {
    return {{"service", "S3"},
            {"resource_id", id},
            {"resource_arn", "arn:aws:s3:::" + id},
            {"region", "ap-northeast-2"},
            {"account", "111122223333"},
            {"evidence_path", "ServerSideEncryptionConfiguration.Rules[0].SSEAlgorithm"},
            {"checked_field", "Default SSE Algorithm"},
            {"comparator", "in"},
            {"expected_value", json::array{"aws:kms", "aws:kms:dsse"}},
            {"observed_value", observed},
            {"passed", status == "COMPLIANT"},
            {"decision", "observed \"" + observed + "\" in [\"aws:kms\",\"aws:kms:dsse\"]"},
            {"status", status},
            {"source", "aws-sdk"},
            {"extra", json::object{}}};
}

json::value all_answer() {
    auto failing = evaluation("plain, \"quoted\"\nbucket", "NON_COMPLIANT", "AES256");
    failing["remediation_cli"] = "aws s3api put-bucket-encryption --bucket plain";
    auto muted = evaluation("<script>alert(1)</script>", "NON_COMPLIANT", "AES256");
    muted["muted"] = true;
    muted["mute"] = {{"reason", "legacy, accepted until migration"},
                     {"approved_by", "ciso@example.com"},
                     {"expires", "2027-01-31"}};
    auto denied = evaluation("locked", "ERROR", "");
    denied["extra"] = {{"error",
                        "An error occurred (AccessDenied) when calling the "
                        "GetBucketEncryption operation"},
                       {"missingPermissions", json::array{"s3:GetEncryptionConfiguration"}}};
    json::object s3{{"mapping_code", "2.0-01"},
                    {"title", "S3"},
                    {"status", "NON_COMPLIANT"},
                    {"severity", "high"},
                    {"description", "Default bucket encryption uses SSE-KMS"},
                    {"remediation",
                     {{"console", "Set the bucket default encryption to SSE-KMS"},
                      {"cli", "aws s3api put-bucket-encryption --bucket BUCKET"}}},
                    {"evaluations", json::array{evaluation("kms-bucket", "COMPLIANT", "aws:kms"),
                                                failing, muted, denied}}};
    json::object missing{{"mapping_code", "5.0-04"},
                         {"title", "Glue"},
                         {"status", "SKIPPED"},
                         {"reason", "not implemented: 5.0-04"},
                         {"evaluations", json::array{}}};
    json::object r1{{"requirement_id", 1},
                    {"item_code", "2.7.1"},
                    {"title", "암호정책 적용"},
                    {"requirement_status", "NON_COMPLIANT"},
                    {"results", json::array{s3, missing}}};
    json::object r2{{"requirement_id", 2},       {"item_code", "2.7.1.1"},
                    {"parent", "2.7.1"},         {"in_summary", false},
                    {"title", "checkpoint"},     {"requirement_status", "NON_COMPLIANT"},
                    {"results", json::array{s3}}};
    return json::object{
        {"framework", "ISMS-P"},
        {"total_requirements", 2},
        {"executed", 2},
        {"framework_status", "NON_COMPLIANT"},
        {"summary",
         {{"status", "NON_COMPLIANT"},
          {"counts", {{"COMPLIANT", 0}, {"NON_COMPLIANT", 1}, {"SKIPPED", 0}, {"ERROR", 0}}},
          {"mapping_counts",
           {{"COMPLIANT", 0}, {"NON_COMPLIANT", 1}, {"SKIPPED", 1}, {"ERROR", 0}}},
          {"account", "111122223333"},
          {"regions", json::array{"ap-northeast-2"}},
          {"started_at", "2026-12-02T10:00:00Z"},
          {"finished_at", "2026-12-02T10:00:09Z"},
          {"tool", {{"name", "dspm-audit"}, {"version", "0.1.0"}}},
          {"catalog_version", "sha256:0123456789abcdef"}}},
        {"results", json::array{r1, r2}}};
}

std::string rendered(Format f, Options o = {}) {
    auto r = render(all_answer(), f, o);
    EXPECT_TRUE(r) << (r ? "" : r.error());
    return r ? *r : std::string{};
}

TEST(ReportView, CountsEachMappingOnceWithTheRequirementsNamingIt) {
    auto v = make_view(all_answer());
    ASSERT_TRUE(v);
    ASSERT_EQ(v->mappings.size(), 2u);
    EXPECT_EQ(v->mappings[0].requirements, std::vector<std::string>{"2.7.1"});  // not checkpoint
    EXPECT_EQ(v->evaluation_counts["NON_COMPLIANT"], 2u);
    EXPECT_EQ(v->muted, 1u);
    EXPECT_EQ(v->requirements.size(), 2u);
    EXPECT_FALSE(v->requirements[1].in_summary);
}

TEST(ReportCsv, QuotesPerRfc4180OneRowPerEvaluation) {
    const auto csv = rendered(Format::csv);
    // header + 4 evaluations + the not implemented code's row, each ending CRLF (the line break
    // inside the quoted resource id is data, a bare LF)
    std::size_t rows = 0;
    for (std::size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2))
        ++rows;
    EXPECT_EQ(rows, 1u + 4u + 1u);
    EXPECT_NE(csv.find("\"plain, \"\"quoted\"\"\nbucket\""), std::string::npos);
    EXPECT_NE(csv.find("\"observed \"\"AES256\"\" in [\"\"aws:kms\"\",\"\"aws:kms:dsse\"\"]\""),
              std::string::npos);
    EXPECT_NE(csv.find("not implemented: 5.0-04"), std::string::npos);
    EXPECT_NE(csv.find(",true,\"legacy, accepted until migration\","), std::string::npos);
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), std::string::npos);
    Options bom;
    bom.csv_bom = true;
    EXPECT_EQ(rendered(Format::csv, bom)
                  .rfind("\xEF\xBB\xBF"
                         "framework,",
                         0),
              0u);
}

TEST(ReportJunit, FailuresErrorsAndMutedAsSkipped) {
    const auto xml = rendered(Format::junit);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str()));
    auto root = doc.child("testsuites");
    EXPECT_EQ(root.attribute("tests").as_int(), 5);
    EXPECT_EQ(root.attribute("failures").as_int(), 1);
    EXPECT_EQ(root.attribute("errors").as_int(), 1);
    EXPECT_EQ(root.attribute("skipped").as_int(), 2);  // the muted one and the missing code
    // pugixml escaped the markup in the resource id.
    EXPECT_EQ(xml.find("<script>"), std::string::npos);
    EXPECT_NE(std::string(
                  root.first_child().child("testcase").next_sibling().child("failure").text().get())
                  .find("fix: aws s3api put-bucket-encryption --bucket plain"),
              std::string::npos);
}

TEST(ReportSarif, FailAndOpenResultsWithSuppressions) {
    auto doc = json::parse(rendered(Format::sarif));
    EXPECT_EQ(doc.at("version"), "2.1.0");
    const auto& run = doc.at("runs").as_array().at(0);
    EXPECT_EQ(run.at("tool").at("driver").at("rules").as_array().size(), 2u);
    const auto& results = run.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);  // two failures (one muted) and the error; no pass
    EXPECT_EQ(results[0].at("kind"), "fail");
    EXPECT_EQ(results[0].at("level"), "error");  // high
    EXPECT_EQ(results[1].at("suppressions").as_array()[0].at("justification"),
              "legacy, accepted until migration");
    EXPECT_EQ(results[2].at("kind"), "open");
    EXPECT_EQ(results[0]
                  .at("locations")
                  .as_array()[0]
                  .at("logicalLocations")
                  .as_array()[0]
                  .at("fullyQualifiedName"),
              "arn:aws:s3:::plain, \"quoted\"\nbucket");
}

TEST(ReportOcsf, OneComplianceFindingPerEvaluation) {
    auto doc = json::parse(rendered(Format::ocsf));
    const auto& events = doc.as_array();
    ASSERT_EQ(events.size(), 4u);
    for (const auto& e : events) {
        EXPECT_EQ(e.at("class_uid").to_number<int>(), 2003);
        EXPECT_EQ(e.at("type_uid").to_number<int>(), 200301);
        EXPECT_EQ(e.at("time").to_number<long long>(), 1796205609000LL);  // finished_at
        EXPECT_EQ(e.at("severity_id").to_number<int>(), 4);               // high
    }
    EXPECT_EQ(events[0].at("compliance").at("status_id").to_number<int>(), 1);   // Pass
    EXPECT_EQ(events[1].at("compliance").at("status_id").to_number<int>(), 3);   // Fail
    EXPECT_EQ(events[2].at("status_id").to_number<int>(), 3);                    // Suppressed
    EXPECT_EQ(events[3].at("compliance").at("status_id").to_number<int>(), 99);  // not Pass
}

TEST(ReportMarkdown, ListsFailingRequirementsAndFindingsWithTheFix) {
    const auto md = rendered(Format::md);
    EXPECT_EQ(md.rfind("# ISMS-P audit: NON_COMPLIANT", 0), 0u);
    EXPECT_NE(md.find("| 2.7.1 | 암호정책 적용 | NON_COMPLIANT |"), std::string::npos);
    EXPECT_EQ(md.find("| 2.7.1.1 |"), std::string::npos);  // checkpoints are not counted
    EXPECT_NE(md.find("(missing s3:GetEncryptionConfiguration)"), std::string::npos);
    EXPECT_NE(md.find("muted: legacy, accepted until migration"), std::string::npos);
}

TEST(ReportHtml, SelfContainedAndEscaped) {
    const auto html = rendered(Format::html);
    EXPECT_EQ(html.find("<script>alert(1)</script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<html lang=\"ko\">"), std::string::npos);
    // Nothing loaded from anywhere: no external scripts, styles, fonts or images.
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
    EXPECT_EQ(html.find("href=\"http"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_NE(html.find("ciso@example.com"), std::string::npos);  // the muted table
}

TEST(Report, JsonIsTheAnswerAndNonAnswersAreRefused) {
    EXPECT_EQ(json::parse(rendered(Format::json)), all_answer());
    auto bad = render(json::parse(R"({"detail":"Not Found"})"), Format::html);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("framework and results[]"), std::string::npos);
    EXPECT_FALSE(render(json::value(3), Format::csv));
    EXPECT_FALSE(parse_format("pdf"));
    EXPECT_EQ(parse_format("Markdown"), Format::md);
}

TEST(Report, SingleRequirementAnswer) {
    auto all = all_answer().as_object();
    const auto& r1 = all.at("results").as_array()[0].as_object();
    json::object single{{"framework", "ISMS-P"},
                        {"requirement_id", 1},
                        {"item_code", "2.7.1"},
                        {"title", r1.at("title")},
                        {"requirement_status", "NON_COMPLIANT"},
                        {"summary", all.at("summary")},
                        {"results", r1.at("results")}};
    auto v = make_view(single);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->single);
    EXPECT_EQ(v->requirements.size(), 1u);
    EXPECT_EQ(v->mapping_counts["NON_COMPLIANT"], 1u);
    EXPECT_EQ(v->mapping_counts["SKIPPED"], 1u);
    for (auto f :
         {Format::html, Format::csv, Format::ocsf, Format::sarif, Format::junit, Format::md})
        EXPECT_TRUE(render(single, f)) << to_string(f);
}

}  // namespace
}  // namespace dspm::report
