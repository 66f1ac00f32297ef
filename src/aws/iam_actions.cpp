#include "aws/iam_actions.hpp"

namespace dspm::aws {
namespace {

// Every operation of the embedded models (tests/aws/iam_actions_test.cpp keeps this complete),
// plus a few S3 operations whose action differs from their name. Sorted by service, operation.
constexpr IamActionEntry table[] = {
    {"accessanalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers"},
    {"acm", "DescribeCertificate", "acm:DescribeCertificate"},
    {"acm", "ListCertificates", "acm:ListCertificates"},
    {"apigateway", "GetRestApis", "apigateway:GET"},
    {"backup", "ListBackupPlans", "backup:ListBackupPlans"},
    {"backup", "ListBackupVaults", "backup:ListBackupVaults"},
    {"cloudfront", "GetDistribution", "cloudfront:GetDistribution"},
    {"cloudfront", "GetDistributionConfig", "cloudfront:GetDistributionConfig"},
    {"cloudfront", "ListDistributions", "cloudfront:ListDistributions"},
    {"cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails"},
    {"cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors"},
    {"cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"},
    {"config", "DescribeConfigRules", "config:DescribeConfigRules"},
    {"config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus"},
    {"config", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders"},
    {"config", "DescribeConformancePackStatus", "config:DescribeConformancePackStatus"},
    {"config", "DescribeConformancePacks", "config:DescribeConformancePacks"},
    {"dynamodb", "CreateTable", "dynamodb:CreateTable"},
    {"dynamodb", "DescribeContinuousBackups", "dynamodb:DescribeContinuousBackups"},
    {"dynamodb", "DescribeTable", "dynamodb:DescribeTable"},
    {"dynamodb", "ListTables", "dynamodb:ListTables"},
    {"ec2", "CreateVolume", "ec2:CreateVolume"},
    {"ec2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"},
    {"ec2", "DescribeInstances", "ec2:DescribeInstances"},
    {"ec2", "DescribeRegions", "ec2:DescribeRegions"},
    {"ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"},
    {"ec2", "DescribeSnapshots", "ec2:DescribeSnapshots"},
    {"ec2", "DescribeVolumes", "ec2:DescribeVolumes"},
    {"ec2", "DescribeVpcs", "ec2:DescribeVpcs"},
    {"ec2", "EnableEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"},
    {"ec2", "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault"},
    {"ecr", "DescribeRepositories", "ecr:DescribeRepositories"},
    {"efs", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"},
    {"eks", "DescribeCluster", "eks:DescribeCluster"},
    {"eks", "ListClusters", "eks:ListClusters"},
    {"elasticache", "DescribeReplicationGroups", "elasticache:DescribeReplicationGroups"},
    {"elbv2", "DescribeListeners", "elasticloadbalancing:DescribeListeners"},
    {"elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"},
    {"guardduty", "GetDetector", "guardduty:GetDetector"},
    {"guardduty", "ListDetectors", "guardduty:ListDetectors"},
    {"iam", "AttachUserPolicy", "iam:AttachUserPolicy"},
    {"iam", "CreateAccessKey", "iam:CreateAccessKey"},
    {"iam", "CreatePolicy", "iam:CreatePolicy"},
    {"iam", "CreateRole", "iam:CreateRole"},
    {"iam", "CreateUser", "iam:CreateUser"},
    {"iam", "GenerateCredentialReport", "iam:GenerateCredentialReport"},
    {"iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"},
    {"iam", "GetAccountSummary", "iam:GetAccountSummary"},
    {"iam", "GetCredentialReport", "iam:GetCredentialReport"},
    {"iam", "GetUser", "iam:GetUser"},
    {"iam", "ListAccessKeys", "iam:ListAccessKeys"},
    {"iam", "ListAttachedUserPolicies", "iam:ListAttachedUserPolicies"},
    {"iam", "ListMFADevices", "iam:ListMFADevices"},
    {"iam", "ListPolicies", "iam:ListPolicies"},
    {"iam", "ListRoles", "iam:ListRoles"},
    {"iam", "ListUserPolicies", "iam:ListUserPolicies"},
    {"iam", "ListUsers", "iam:ListUsers"},
    {"iam", "ListVirtualMFADevices", "iam:ListVirtualMFADevices"},
    {"iam", "PutUserPolicy", "iam:PutUserPolicy"},
    {"kms", "CreateKey", "kms:CreateKey"},
    {"kms", "DescribeKey", "kms:DescribeKey"},
    {"kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"},
    {"kms", "ListAliases", "kms:ListAliases"},
    {"kms", "ListKeys", "kms:ListKeys"},
    {"lambda", "ListFunctions", "lambda:ListFunctions"},
    {"logs", "DescribeLogGroups", "logs:DescribeLogGroups"},
    {"macie2", "GetMacieSession", "macie2:GetMacieSession"},
    {"opensearch", "DescribeDomain", "es:DescribeDomain"},
    {"opensearch", "ListDomainNames", "es:ListDomainNames"},
    {"organizations", "CreateOrganization", "organizations:CreateOrganization"},
    {"organizations", "DescribeOrganization", "organizations:DescribeOrganization"},
    {"organizations", "DescribePolicy", "organizations:DescribePolicy"},
    {"organizations", "ListAccounts", "organizations:ListAccounts"},
    {"organizations", "ListOrganizationalUnitsForParent",
     "organizations:ListOrganizationalUnitsForParent"},
    {"organizations", "ListPolicies", "organizations:ListPolicies"},
    {"organizations", "ListPoliciesForTarget", "organizations:ListPoliciesForTarget"},
    {"organizations", "ListRoots", "organizations:ListRoots"},
    {"organizations", "ListTargetsForPolicy", "organizations:ListTargetsForPolicy"},
    {"rds", "CreateDBInstance", "rds:CreateDBInstance"},
    {"rds", "DescribeDBClusters", "rds:DescribeDBClusters"},
    {"rds", "DescribeDBInstances", "rds:DescribeDBInstances"},
    {"rds", "DescribeDBSnapshots", "rds:DescribeDBSnapshots"},
    {"redshift", "DescribeClusters", "redshift:DescribeClusters"},
    {"redshift", "DescribeLoggingStatus", "redshift:DescribeLoggingStatus"},
    {"s3", "CreateBucket", "s3:CreateBucket"},
    {"s3", "DeleteBucket", "s3:DeleteBucket"},
    {"s3", "GetBucketAcl", "s3:GetBucketAcl"},
    {"s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
    {"s3", "GetBucketLocation", "s3:GetBucketLocation"},
    {"s3", "GetBucketLogging", "s3:GetBucketLogging"},
    {"s3", "GetBucketPolicy", "s3:GetBucketPolicy"},
    {"s3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
    {"s3", "GetBucketVersioning", "s3:GetBucketVersioning"},
    {"s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
    {"s3", "HeadBucket", "s3:ListBucket"},
    {"s3", "ListBuckets", "s3:ListAllMyBuckets"},
    {"s3", "ListObjectsV2", "s3:ListBucket"},
    {"s3", "PutBucketEncryption", "s3:PutEncryptionConfiguration"},
    {"s3", "PutBucketPolicy", "s3:PutBucketPolicy"},
    {"s3", "PutBucketVersioning", "s3:PutBucketVersioning"},
    {"s3", "PutObject", "s3:PutObject"},
    {"s3", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
    {"s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
    {"secretsmanager", "ListSecrets", "secretsmanager:ListSecrets"},
    {"securityhub", "DescribeHub", "securityhub:DescribeHub"},
    {"securityhub", "GetEnabledStandards", "securityhub:GetEnabledStandards"},
    {"sns", "CreateTopic", "sns:CreateTopic"},
    {"sns", "GetTopicAttributes", "sns:GetTopicAttributes"},
    {"sns", "ListTopics", "sns:ListTopics"},
    {"sqs", "GetQueueAttributes", "sqs:GetQueueAttributes"},
    {"sqs", "ListQueues", "sqs:ListQueues"},
    {"sso-admin", "DescribePermissionSet", "sso:DescribePermissionSet"},
    {"sso-admin", "GetInlinePolicyForPermissionSet", "sso:GetInlinePolicyForPermissionSet"},
    {"sso-admin", "ListAccountAssignments", "sso:ListAccountAssignments"},
    {"sso-admin", "ListInstances", "sso:ListInstances"},
    {"sso-admin", "ListManagedPoliciesInPermissionSet", "sso:ListManagedPoliciesInPermissionSet"},
    {"sso-admin", "ListPermissionSets", "sso:ListPermissionSets"},
    {"sts", "AssumeRole", "sts:AssumeRole"},
    {"sts", "AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity"},
    {"sts", "GetCallerIdentity", "sts:GetCallerIdentity"},
    {"wafv2", "ListWebACLs", "wafv2:ListWebACLs"},
    {"s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
    {"s3", "GetBucketReplication", "s3:GetReplicationConfiguration"},
    {"s3", "GetBucketTagging", "s3:GetBucketTagging"},
    {"s3", "GetObject", "s3:GetObject"},
    {"s3", "HeadObject", "s3:GetObject"},
    {"s3", "ListObjects", "s3:ListBucket"},
};

struct Prefix {
    std::string_view service;
    std::string_view prefix;
};
constexpr Prefix prefixes[] = {
    {"accessanalyzer", "access-analyzer"},
    {"efs", "elasticfilesystem"},
    {"elbv2", "elasticloadbalancing"},
    {"elb", "elasticloadbalancing"},
    {"opensearch", "es"},
    {"sso-admin", "sso"},
    {"s3control", "s3"},
    {"identitystore", "identitystore"},
};

}  // namespace

std::span<const IamActionEntry> iam_action_table() {
    return table;
}

std::optional<std::string_view> find_iam_action(std::string_view service,
                                                std::string_view operation) {
    for (const auto& e : table)
        if (e.service == service && e.operation == operation) return e.action;
    return std::nullopt;
}

std::string_view iam_prefix(std::string_view service) {
    for (const auto& p : prefixes)
        if (p.service == service) return p.prefix;
    return service;
}

std::string iam_action(std::string_view service, std::string_view operation) {
    if (auto a = find_iam_action(service, operation)) return std::string(*a);
    return std::string(iam_prefix(service)) + ":" + std::string(operation);
}

}  // namespace dspm::aws
