// Inputs fuzz/ found in the AWS readers. The  ones wait for a fix in a file of another
// room (fuzz/README.md, "Findings"); enable them with it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "aws/credentials.hpp"
#include "aws/protocol.hpp"

namespace {

boost::json::value ok(std::string_view svc, std::string_view op, std::string_view body) {
    auto r = dspm::aws::parse_response(*dspm::aws::find_service(svc), op, 200, {}, body);
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return *r;
}

// fuzz_aws_response: an epoch timestamp beyond any date (createdAt 1.5e25) was cast to
// microseconds unchecked (UB: "1.52778e+31 is outside the range of representable values of type
// 'long long'", src/aws/model.cpp). Such values are kept as the answer gave them.
TEST(TimestampsFromAnswers, EpochsBeyondTheYear9999StayAsSent) {
    auto eks = ok("eks", "DescribeCluster",
                  R"({"cluster":{"name":"devel","createdAt":15277777777777777777807879.988}})");
    EXPECT_TRUE(eks.at("cluster").at("createdAt").is_double());
    auto neg = ok("eks", "DescribeCluster", R"({"cluster":{"name":"d","createdAt":-1e300}})");
    EXPECT_TRUE(neg.at("cluster").at("createdAt").is_double());
    auto text = ok("iam", "ListUsers",
                   "<ListUsersResponse><ListUsersResult><Users><member><UserName>a</UserName>"
                   "<CreateDate>1e30</CreateDate></member></Users></ListUsersResult>"
                   "</ListUsersResponse>");
    EXPECT_EQ(text.at("Users").at(0).at("CreateDate"), "1e30");
    // In range, as before.
    auto fine =
        ok("eks", "DescribeCluster", R"({"cluster":{"name":"d","createdAt":1704164645.5}})");
    EXPECT_EQ(fine.at("cluster").at("createdAt"), "2024-01-02T03:04:05.500000+00:00");
}

// parse_iso8601 adds the date to a nanosecond system_clock: a year outside 1678-2261 overflows
// int64 (signed overflow, UBSan: "-30231521755 * 1000000000 cannot be represented") and yields an
// arbitrary time, so an Expiration of "1012-..." from credential_process or the SSO cache can read
// as valid for centuries. Such years must be refused (or clamped), never wrap.
TEST(IsoTimes, OutOfRangeYearsAreRefused) {
    for (const char* t : {"1012-01-02T03:04:05UTC", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                          "1677-09-21T00:12:43Z", "2262-04-12T00:00:00Z"})
        EXPECT_FALSE(dspm::aws::parse_iso8601(t).has_value()) << t;
    EXPECT_TRUE(dspm::aws::parse_iso8601("2261-12-31T23:59:59Z").has_value());
    EXPECT_TRUE(dspm::aws::parse_iso8601("1970-01-01T00:00:00Z").has_value());
}

// Python's configparser (botocore) strips every whitespace character around keys and values;
// parse_ini strips " \t\r\n" only, so "duration_seconds \v= 3600" keeps the key
// "duration_seconds \v" and the setting is silently ignored.
TEST(IniFiles, KeysAreStrippedOfVerticalTabsAndFormFeeds) {
    const auto ini = dspm::aws::parse_ini("[profile a]\nduration_seconds \v= 3600\f\nregion\f=x\n");
    ASSERT_TRUE(ini.count("profile a"));
    EXPECT_EQ(ini.at("profile a").count("duration_seconds"), 1u);
    EXPECT_EQ(ini.at("profile a").count("region"), 1u);
}

}  // namespace
