#include "aws/regions.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <cstdio>

namespace dspm::aws {
namespace {

constexpr PartitionInfo partitions[] = {
    {"aws", "amazonaws.com", "api.aws", "ap-northeast-2", "us-east-1"},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-north-1", "cn-north-1"},
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1", "us-gov-west-1"},
};

// botocore partitions.json: aws ^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$, aws-cn ^cn-\w+-\d+$,
// aws-us-gov ^us-gov-\w+-\d+$. \w is narrowed to [a-z] so that no region can carry a dot, an
// at-sign, a slash, a percent sign or an upper-case letter into a host name.
constexpr std::string_view aws_prefixes[] = {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"};

bool lower_word(std::string_view w) {
    return !w.empty() &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}
bool number(std::string_view w) {
    return !w.empty() && w.size() <= 3 &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split_dash(std::string_view s) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto dash = s.find('-', start);
        parts.push_back(s.substr(start, dash == std::string_view::npos ? dash : dash - start));
        if (dash == std::string_view::npos) break;
        start = dash + 1;
    }
    return parts;
}

}  // namespace

const PartitionInfo* partition_for_region(std::string_view region) {
    if (region.size() > 32) return nullptr;
    const auto parts = split_dash(region);
    if (parts.size() == 3 && parts[0] == "cn" && lower_word(parts[1]) && number(parts[2]))
        return &partitions[1];
    if (parts.size() == 4 && parts[0] == "us" && parts[1] == "gov" && lower_word(parts[2]) &&
        number(parts[3]))
        return &partitions[2];
    if (parts.size() == 3 && lower_word(parts[1]) && number(parts[2]) &&
        std::find(std::begin(aws_prefixes), std::end(aws_prefixes), parts[0]) !=
            std::end(aws_prefixes) &&
        // us-gov-* and us-iso-*, us-isob-* are other partitions' names, never aws regions.
        !(parts[0] == "us" && (parts[1] == "gov" || parts[1].starts_with("iso"))))
        return &partitions[0];
    return nullptr;
}

bool valid_region_name(std::string_view region) {
    return partition_for_region(region) != nullptr;
}

const std::vector<std::string_view>& known_regions() {
    static const std::vector<std::string_view> regions = {
        "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2",
        "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-central-1",   "ca-west-1",      "eu-central-1",   "eu-central-2",   "eu-north-1",
        "eu-south-1",     "eu-south-2",     "eu-west-1",      "eu-west-2",      "eu-west-3",
        "il-central-1",   "me-central-1",   "me-south-1",     "mx-central-1",   "sa-east-1",
        "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "cn-north-1",
        "cn-northwest-1", "us-gov-east-1",  "us-gov-west-1",
    };
    return regions;
}

std::string region_forms_hint() {
    return "valid forms: region names of the aws, aws-cn or aws-us-gov partition such as "
           "ap-northeast-2, eu-west-1, cn-north-1 or us-gov-west-1 (lower-case words and a "
           "number joined by hyphens), at most " +
           std::to_string(max_regions_per_run) + " regions";
}

std::string printable(std::string_view value, std::size_t max) {
    std::string out;
    for (const char c : value.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || u >= 0x80 || c == '"' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    if (value.size() > max) out += "...";
    return out;
}

Expected<std::vector<std::string>, std::string> validate_regions(
    const std::vector<std::string>& regions) {
    std::vector<std::string> out;
    for (const auto& r : regions) {
        if (!valid_region_name(r))
            return unexpected("invalid region \"" + printable(r) + "\" (" + region_forms_hint() +
                              ")");
        if (std::find(out.begin(), out.end(), r) == out.end()) out.emplace_back(r);
        if (out.size() > max_regions_per_run)
            return unexpected("too many regions (more than " + std::to_string(max_regions_per_run) +
                              "): " + region_forms_hint());
    }
    return out;
}

std::vector<std::string> enabled_regions(const boost::json::value& describe_regions,
                                         std::vector<std::string>& invalid) {
    std::vector<std::string> out;
    const auto* o = describe_regions.if_object();
    const auto* list = o ? o->if_contains("Regions") : nullptr;
    if (list == nullptr || !list->is_array()) return out;
    for (const auto& r : list->get_array()) {
        const auto* entry = r.if_object();
        if (entry == nullptr) continue;
        const auto* name = entry->if_contains("RegionName");
        const auto* opt_in = entry->if_contains("OptInStatus");
        if (opt_in != nullptr && opt_in->is_string() && opt_in->get_string() == "not-opted-in")
            continue;
        const std::string n =
            name != nullptr && name->is_string() ? std::string(name->get_string()) : std::string();
        if (!valid_region_name(n)) {
            invalid.push_back(n);
            continue;
        }
        out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace dspm::aws
