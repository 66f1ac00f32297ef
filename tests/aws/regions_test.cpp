// Region names: the partitions' grammar, de-duplication and the bound on a run's region list.
#include "aws/regions.hpp"

#include <gtest/gtest.h>

using namespace dspm::aws;

TEST(Regions, GrammarOfTheServedPartitions) {
    for (const char* r :
         {"ap-northeast-2", "us-east-1", "eu-central-2", "il-central-1", "mx-central-1",
          "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "ap-southeast-7"})
        EXPECT_TRUE(valid_region_name(r)) << r;
    for (const char* r :
         {"", "us-east", "us-east-", "us--1", "US-EAST-1", "us_east_1", "us-east-1.evil",
          "x@127.0.0.1:5991/", "us-east-1 ", "zz-east-1", "us-iso-east-1", "us-isob-east-1",
          "aws-global", "us-gov-1", "cn-north", "us-east-1234", "%2e", "us-east-1\n"})
        EXPECT_FALSE(valid_region_name(r)) << r;
    EXPECT_FALSE(valid_region_name(std::string(300, 'a')));
    EXPECT_EQ(partition_for_region("cn-north-1")->id, "aws-cn");
    EXPECT_EQ(partition_for_region("us-gov-west-1")->id, "aws-us-gov");
    EXPECT_EQ(partition_for_region("eu-west-3")->id, "aws");
    for (auto r : known_regions())
        EXPECT_TRUE(valid_region_name(r)) << r;
}

TEST(Regions, ListsAreDeduplicatedAndBounded) {
    EXPECT_FALSE(validate_regions({" eu-west-1"}));  // callers that split lists trim first
    auto ok = validate_regions({"eu-west-1", "us-east-1", "eu-west-1"});
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(*ok, (std::vector<std::string>{"eu-west-1", "us-east-1"}));

    auto bad = validate_regions({"us-east-1", "x@127.0.0.1:1/\r\n"});
    ASSERT_FALSE(bad);
    // The message quotes the value with control characters escaped and names the valid forms.
    EXPECT_NE(bad.error().find("x@127.0.0.1:1/\\x0d\\x0a"), std::string::npos) << bad.error();
    EXPECT_NE(bad.error().find("ap-northeast-2"), std::string::npos);

    std::vector<std::string> many;
    for (int i = 1; i <= 1500; ++i)
        many.push_back("us-east-" + std::to_string(i % 1000));
    auto too_many = validate_regions(many);
    ASSERT_FALSE(too_many);
    EXPECT_NE(too_many.error().find("too many regions"), std::string::npos);
    // Repeating one region many times is one region, not a fan-out.
    EXPECT_EQ(validate_regions(std::vector<std::string>(1500, "us-east-1"))->size(), 1u);
}
