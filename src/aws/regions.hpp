#pragma once
// Region names are the one piece of request input that becomes part of a host name, so every
// region that enters the program (query, flags, environment, profiles, collector rows, AWS answers)
// is checked here before it can reach an endpoint. The grammar is the partitions' own (botocore's
// partitions.json regionRegex, narrowed to lower-case letters), so a syntactically valid region can
// only ever name an AWS host under the partition's DNS suffix.
#include <boost/json/fwd.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace dspm::aws {

// The partitions this program serves, with their region grammar and DNS suffix.
struct PartitionInfo {
    std::string_view id;                    // "aws", "aws-cn", "aws-us-gov"
    std::string_view dns_suffix;            // "amazonaws.com"
    std::string_view dualstack_dns_suffix;  // "api.aws"
    std::string_view example;               // a region of the partition, for messages
    std::string_view global_region;         // where the partition's global services are signed
};

// The partition whose grammar `region` follows, or nullptr when it follows none.
const PartitionInfo* partition_for_region(std::string_view region);

// True for names such as "ap-northeast-2", "cn-north-1", "us-gov-west-1": a known partition
// prefix, one lower-case word (two for us-gov), a number; at most 32 characters.
bool valid_region_name(std::string_view region);

// Regions AWS has published per partition (botocore's partitions.json); a region outside the list
// but inside the grammar is accepted (new regions open every year) and only the count is bounded.
const std::vector<std::string_view>& known_regions();

// More distinct regions than any partition has: a longer list is refused rather than fanned out
// into thousands of calls.
inline constexpr std::size_t max_regions_per_run = 64;

// The valid forms, for error messages: "valid forms: region names of ... such as ap-northeast-2".
std::string region_forms_hint();

// De-duplicates (order kept) and validates a list of regions; the error names the first
// offending value (quoted, control characters escaped, cut at 64 characters) and the valid forms.
Expected<std::vector<std::string>, std::string> validate_regions(
    const std::vector<std::string>& regions);

// A value safe to echo in an error message: control characters escaped, at most `max` characters.
std::string printable(std::string_view value, std::size_t max = 64);

// The regions an ec2:DescribeRegions answer names as enabled for the account (OptInStatus
// "opt-in-not-required" or "opted-in"; a "not-opted-in" entry is dropped should it appear), held to
// the same grammar as user input since they become hosts: sorted, distinct. Names outside the
// grammar are returned in `invalid` for the caller's warnings, never used.
std::vector<std::string> enabled_regions(const boost::json::value& describe_regions,
                                         std::vector<std::string>& invalid);

}  // namespace dspm::aws
