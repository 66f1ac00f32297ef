#pragma once
// The one table from AWS operation to the IAM action that authorises it. A denied call reports
// this action, which is not always "prefix:Operation" (S3 GetBucketEncryption needs
// s3:GetEncryptionConfiguration, SSO Admin's prefix is sso).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dspm::aws {

struct IamActionEntry {
    std::string_view service;    // botocore name
    std::string_view operation;  // botocore operation name
    std::string_view action;     // "s3:GetEncryptionConfiguration"
};

std::span<const IamActionEntry> iam_action_table();

// The table's entry, when the operation is listed.
std::optional<std::string_view> find_iam_action(std::string_view service,
                                                std::string_view operation);

// The table's entry, else the service's IAM prefix + ":" + operation (never empty).
std::string iam_action(std::string_view service, std::string_view operation);

// IAM prefix of a botocore service ("sso-admin" → "sso", "elbv2" → "elasticloadbalancing").
std::string_view iam_prefix(std::string_view service);

}  // namespace dspm::aws
