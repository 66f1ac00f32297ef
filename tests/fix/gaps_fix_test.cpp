// End to end for the fixers whose service moto 5.2 lacks (1.0-05 Access Analyzer, 7.0-01 Security
// Hub's GetEnabledStandards, 9.0-06 EFS PutBackupPolicy, 6.0-03 ECR's per-repository scanning
// configuration): the CLI talks to tests/fix/aws_gaps.py for those services (AWS_ENDPOINT_URL_*)
// and to moto for the rest, through the same plan, apply, re-read, apply again and undo as the
// moto cases. The snippets seed and read the fake over its /_seed and /_state routes.
#include <gtest/gtest.h>

#include <string>

#include "fix/aws_gaps.hpp"
#include "fix/fix_case.hpp"

namespace {

using dspm::test::AwsGaps;

// Python that posts the seed to the fake, and Python that prints one key of its region's state.
std::string seed(const std::string& json_body) {
    return "import urllib.request\n"
           "urllib.request.urlopen(urllib.request.Request('" +
           AwsGaps::instance().endpoint() + "/_seed', data=json.dumps(" + json_body +
           ").encode(), method='POST'))\n";
}

std::string state(const std::string& key) {
    return "import urllib.request\n"
           "s = json.loads(urllib.request.urlopen('" +
           AwsGaps::instance().endpoint() +
           "/_state?region=us-east-1').read())\n"
           "print(json.dumps(s['" +
           key + "'], sort_keys=True))\n";
}

dspm::test::FixCase gap_case(std::string code, std::string resource, std::string seeded,
                             std::string key) {
    AwsGaps::instance().reset();
    dspm::test::FixCase c{std::move(code), std::move(resource), std::move(seeded), state(key)};
    c.env = AwsGaps::instance().env();
    return c;
}

TEST(GapsFix, AccessAnalyzerEndToEnd) {
    dspm::test::check_fix_case(gap_case("1.0-05", "us-east-1", "", "analyzers"));
}

TEST(GapsFix, SecurityHubOffEndToEnd) {
    dspm::test::check_fix_case(gap_case("7.0-01", "us-east-1", "", "standards"));
}

TEST(GapsFix, SecurityHubWithoutAStandardEndToEnd) {
    auto c =
        gap_case("7.0-01", "us-east-1", seed("{'region': 'us-east-1', 'hub': True}"), "standards");
    dspm::test::check_fix_case(c);
}

// From a DISABLED policy: EFS has no DeleteBackupPolicy, so a file system that had none is put
// back as DISABLED (the same verdict, no backups), which an exact state comparison cannot show.
TEST(GapsFix, EfsBackupPolicyEndToEnd) {
    dspm::test::check_fix_case(gap_case(
        "9.0-06", "fs-0123456789abcdef0",
        seed("{'region': 'us-east-1', 'efs': {'fs-0123456789abcdef0': 'DISABLED'}}"), "efs"));
}

TEST(GapsFix, EfsWithoutABackupPolicyIsEnabledAndUndoneAsDisabled) {
    auto c = gap_case("9.0-06", "fs-0fedcba9876543210",
                      seed("{'region': 'us-east-1', 'efs': ['fs-0fedcba9876543210']}"), "efs");
    dspm::test::Moto::instance().reset();
    dspm::test::FixCli cli;
    for (const auto& [key, value] : c.env)
        cli.set_env(key, value);
    dspm::test::run_python(cli.endpoint(), c.seed);
    const auto applied = cli.fix(c, {"--apply", "--yes", "--resource", c.resource});
    const auto* result = dspm::test::result_for(applied, c.resource);
    ASSERT_NE(result, nullptr) << boost::json::serialize(applied);
    EXPECT_EQ(result->at("evaluation").at("status").as_string(), "COMPLIANT");
    EXPECT_EQ(dspm::test::run_python(cli.endpoint(), c.state),
              "{\"fs-0fedcba9876543210\": \"ENABLED\"}\n");
    cli.undo(std::string(applied.at("fix_id").as_string()));
    EXPECT_EQ(dspm::test::run_python(cli.endpoint(), c.state),
              "{\"fs-0fedcba9876543210\": \"DISABLED\"}\n");
}

TEST(GapsFix, EcrScanOnPushEndToEnd) {
    dspm::test::check_fix_case(
        gap_case("6.0-03", "web", seed("{'region': 'us-east-1', 'ecr': ['web']}"), "ecr"));
}

}  // namespace
