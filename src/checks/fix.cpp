#include "checks/fix.hpp"

#include <algorithm>
#include <cctype>

namespace dspm::checks {

std::string fix_region(const engine::Evaluation& e, const aws::AwsClient& aws) {
    if (e.region.empty() || e.region == "global" || e.region == "*") return aws.default_region();
    return e.region;
}

aws::AwsError fix_refusal(aws::ErrorKind kind, std::string service, std::string operation,
                          std::string code, std::string message, std::string region,
                          std::string iam_action) {
    aws::AwsError e;
    e.kind = kind;
    e.service = std::move(service);
    e.operation = std::move(operation);
    e.code = std::move(code);
    e.message = std::move(message);
    e.region = std::move(region);
    e.iam_action = std::move(iam_action);
    return e;
}

std::string bucket_name_problem(const std::string& name) {
    const auto bad = [&](std::string_view why) {
        std::string text = "'";
        text.append(name, 0, 64).append("' is not a bucket name: ").append(why);
        return text;
    };
    if (name.size() < 3 || name.size() > 63) return bad("3 to 63 characters");
    const auto allowed = [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '.' || c == '-';
    };
    if (!std::all_of(name.begin(), name.end(), [&](char c) { return allowed(c); }))
        return bad("lowercase letters, digits, '.' and '-' only");
    const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (!alnum(name.front()) || !alnum(name.back()))
        return bad("it must start and end with a letter or digit");
    if (name.find("..") != std::string::npos) return bad("no two dots in a row");
    if (std::all_of(name.begin(), name.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }))
        return bad("an IP address is not a bucket name");
    return {};
}

}  // namespace dspm::checks
