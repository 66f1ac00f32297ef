#pragma once
// Input of the AWS answer targets:
//   <service> <Operation> [<HTTP status>]
//   Header-Name: value
//   ...
//   <empty line>
//   <body>
// A service/operation that is not in the embedded models picks one of kOperations instead, so
// mutated first lines still reach a parser.
#include <charconv>
#include <string>
#include <string_view>

#include "aws/protocol.hpp"
#include "fuzz_input.hpp"

namespace dspm::fuzz {

struct AwsOperation {
    const char* service;
    const char* operation;
};

// A few operations of each protocol: query (sts, iam, rds, sns), ec2, rest-xml (s3, cloudfront,
// s3control), json (dynamodb, kms, sso-admin, sqs), rest-json (lambda, eks, guardduty).
inline constexpr AwsOperation kOperations[] = {
    {"sts", "GetCallerIdentity"},
    {"sts", "AssumeRole"},
    {"iam", "ListUsers"},
    {"iam", "GetAccountSummary"},
    {"iam", "GetCredentialReport"},
    {"iam", "PutUserPolicy"},
    {"rds", "DescribeDBInstances"},
    {"rds", "DescribeDBClusters"},
    {"sns", "GetTopicAttributes"},
    {"ec2", "DescribeRegions"},
    {"ec2", "DescribeSecurityGroups"},
    {"ec2", "GetEbsEncryptionByDefault"},
    {"s3", "ListBuckets"},
    {"s3", "GetBucketLocation"},
    {"s3", "GetBucketEncryption"},
    {"s3", "GetBucketPolicy"},
    {"s3", "HeadBucket"},
    {"s3", "GetBucketNotificationConfiguration"},
    {"s3", "GetBucketLifecycleConfiguration"},
    {"s3control", "ListAccessPoints"},
    {"cloudfront", "ListDistributions"},
    {"cloudfront", "GetDistributionConfig"},
    {"dynamodb", "ListTables"},
    {"dynamodb", "DescribeTable"},
    {"kms", "ListKeys"},
    {"kms", "GetKeyRotationStatus"},
    {"sso-admin", "ListInstances"},
    {"sqs", "GetQueueAttributes"},
    {"lambda", "ListFunctions"},
    {"eks", "DescribeCluster"},
    {"guardduty", "GetDetector"},
};

struct AwsInput {
    const aws::ServiceModel* model = nullptr;
    std::string service, operation;
    int status = 200;
    net::Headers headers;
    std::string_view body;
};

inline AwsInput read_aws_input(std::string_view text) {
    AwsInput in;
    const auto first = take_line(text);
    const auto w = words(first);
    if (w.size() >= 2) {
        in.model = aws::find_service(w[0]);
        if (in.model && aws::has_operation(*in.model, w[1])) {
            in.service = std::string(w[0]);
            in.operation = std::string(w[1]);
        } else {
            in.model = nullptr;
        }
    }
    if (!in.model) {
        const auto& op = kOperations[pick(first, std::size(kOperations))];
        in.model = aws::find_service(op.service);
        in.service = op.service;
        in.operation = op.operation;
    }
    if (w.size() >= 3) {
        int status = 0;
        const auto r = std::from_chars(w[2].data(), w[2].data() + w[2].size(), status);
        if (r.ec == std::errc{}) in.status = status;
    }
    in.headers = take_headers(text);
    in.body = text;
    return in;
}

}  // namespace dspm::fuzz
