// The protocol layer against hand-written request expectations and recorded-style answers written
// from the AWS API shapes.
#include "aws/protocol.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>

namespace {

using namespace dspm;
namespace json = boost::json;

const aws::ServiceModel& service(std::string_view name) {
    const auto* m = aws::find_service(name);
    if (!m) throw std::runtime_error("no embedded model for " + std::string(name));
    return *m;
}

std::string query_value(const std::vector<std::pair<std::string, std::string>>& pairs,
                        std::string_view key) {
    for (const auto& [k, v] : pairs)
        if (k == key) return v;
    return "<absent>";
}

std::string header(const net::Headers& h, std::string_view name) {
    return net::find_header(h, name).value_or("<absent>");
}

// Form body → pairs (decoding only what the tests use).
std::vector<std::pair<std::string, std::string>> form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> out;
    auto decode = [](std::string_view s) {
        std::string r;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size()) {
                r += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                r += s[i];
            }
        }
        return r;
    };
    while (!body.empty()) {
        auto amp = body.find('&');
        auto part = body.substr(0, amp);
        auto eq = part.find('=');
        out.emplace_back(decode(part.substr(0, eq)), decode(part.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        body.remove_prefix(amp + 1);
    }
    return out;
}

json::value at(const json::value& doc, std::string_view path) {
    // Minimal path walker: a.b[0].c
    const json::value* cur = &doc;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '.') ++i;
        if (path[i] == '[') {
            auto close = path.find(']', i);
            auto idx = std::stoul(std::string(path.substr(i + 1, close - i - 1)));
            if (!cur->is_array() || idx >= cur->get_array().size()) return nullptr;
            cur = &cur->get_array()[idx];
            i = close + 1;
            continue;
        }
        auto end = path.find_first_of(".[", i);
        auto key = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (!cur->is_object()) return nullptr;
        cur = cur->as_object().if_contains(key);
        if (!cur) return nullptr;
        i = end == std::string_view::npos ? path.size() : end;
    }
    return *cur;
}

aws::WireRequest serialize(std::string_view svc, std::string_view op, std::string_view params) {
    auto r = aws::serialize_request(service(svc), op, json::parse(params).as_object());
    if (!r) throw std::runtime_error(r.error());
    return *r;
}

json::value ok(std::string_view svc, std::string_view op, std::string_view body,
               const net::Headers& headers = {}, int status = 200) {
    auto r = aws::parse_response(service(svc), op, status, headers, body);
    if (!r)
        throw std::runtime_error("unexpected error " + r.error().code + ": " + r.error().message);
    return *r;
}

aws::WireError fail(std::string_view svc, std::string_view op, int status, std::string_view body,
                    const net::Headers& headers = {}) {
    auto r = aws::parse_response(service(svc), op, status, headers, body);
    if (r) throw std::runtime_error("expected an error, got " + json::serialize(*r));
    return r.error();
}

// ---------- models ----------

TEST(ProtocolModel, ServicesAndMetadata) {
    auto sso = aws::service_info(service("sso-admin"));
    EXPECT_EQ(sso.protocol, "json");
    EXPECT_EQ(sso.endpoint_prefix, "sso");
    EXPECT_EQ(sso.signing_name, "sso");
    EXPECT_EQ(aws::service_info(service("iam")).global_endpoint, "iam.amazonaws.com");
    EXPECT_EQ(aws::service_info(service("organizations")).global_endpoint,
              "organizations.us-east-1.amazonaws.com");
    EXPECT_EQ(aws::service_info(service("cloudfront")).global_endpoint, "cloudfront.amazonaws.com");
    EXPECT_EQ(aws::service_info(service("ec2")).global_endpoint, "");
    EXPECT_EQ(aws::service_info(service("s3control")).signing_name, "s3");
    EXPECT_EQ(aws::service_info(service("rds")).protocol, "query");
    EXPECT_EQ(aws::service_info(service("ec2")).protocol, "ec2");
    EXPECT_EQ(aws::service_info(service("s3")).protocol, "rest-xml");
    EXPECT_EQ(aws::service_info(service("lambda")).protocol, "rest-json");
    EXPECT_EQ(aws::find_service("no-such-service"), nullptr);
    EXPECT_TRUE(aws::has_operation(service("s3"), "GetBucketEncryption"));
    EXPECT_FALSE(aws::has_operation(service("s3"), "GetBucketFoo"));
}

TEST(ProtocolModel, EveryRequiredOperationIsEmbedded) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> required = {
        {"sts", {"GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"}},
        {"s3",
         {"ListBuckets", "GetBucketEncryption", "GetBucketLocation", "HeadBucket",
          "GetBucketVersioning", "GetPublicAccessBlock", "GetBucketPolicyStatus",
          "GetBucketLogging", "GetBucketPolicy", "GetBucketAcl", "PutBucketEncryption",
          "CreateBucket", "ListObjectsV2"}},
        {"s3control", {"GetPublicAccessBlock"}},
        {"iam",
         {"GetAccountSummary", "ListUsers", "ListRoles", "ListPolicies", "GetAccountPasswordPolicy",
          "ListMFADevices", "ListAccessKeys", "GetCredentialReport", "GenerateCredentialReport",
          "ListAttachedUserPolicies", "CreateUser", "PutUserPolicy", "CreateAccessKey"}},
        {"organizations",
         {"DescribeOrganization", "ListRoots", "ListPolicies", "ListTargetsForPolicy",
          "ListPoliciesForTarget", "DescribePolicy", "ListAccounts",
          "ListOrganizationalUnitsForParent"}},
        {"sso-admin",
         {"ListInstances", "ListPermissionSets", "DescribePermissionSet",
          "ListManagedPoliciesInPermissionSet", "GetInlinePolicyForPermissionSet",
          "ListAccountAssignments"}},
        {"rds", {"DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots"}},
        {"dynamodb", {"ListTables", "DescribeTable", "DescribeContinuousBackups"}},
        {"redshift", {"DescribeClusters", "DescribeLoggingStatus"}},
        {"cloudfront", {"ListDistributions", "GetDistributionConfig", "GetDistribution"}},
        {"config",
         {"DescribeConformancePacks", "DescribeConformancePackStatus",
          "DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus",
          "DescribeConfigRules"}},
        {"ec2",
         {"DescribeRegions", "DescribeVolumes", "DescribeInstances", "DescribeSecurityGroups",
          "DescribeVpcs", "DescribeFlowLogs", "GetEbsEncryptionByDefault", "DescribeSnapshots"}},
        {"kms", {"ListKeys", "DescribeKey", "GetKeyRotationStatus", "ListAliases"}},
        {"cloudtrail", {"DescribeTrails", "GetTrailStatus", "GetEventSelectors"}},
        {"guardduty", {"ListDetectors", "GetDetector"}},
        {"securityhub", {"GetEnabledStandards", "DescribeHub"}},
        {"logs", {"DescribeLogGroups"}},
        {"elbv2", {"DescribeLoadBalancers", "DescribeListeners"}},
        {"acm", {"ListCertificates", "DescribeCertificate"}},
        {"lambda", {"ListFunctions"}},
        {"efs", {"DescribeFileSystems"}},
        {"sns", {"ListTopics", "GetTopicAttributes"}},
        {"sqs", {"ListQueues", "GetQueueAttributes"}},
        {"secretsmanager", {"ListSecrets"}},
        {"backup", {"ListBackupPlans", "ListBackupVaults"}},
        {"macie2", {"GetMacieSession"}},
        {"wafv2", {"ListWebACLs"}},
        {"accessanalyzer", {"ListAnalyzers"}},
        {"ecr", {"DescribeRepositories"}},
        {"eks", {"ListClusters", "DescribeCluster"}},
        {"apigateway", {"GetRestApis"}},
        {"elasticache", {"DescribeReplicationGroups"}},
        {"opensearch", {"ListDomainNames", "DescribeDomain"}},
    };
    int count = 0;
    for (const auto& [svc, ops] : required) {
        const auto* m = aws::find_service(svc);
        ASSERT_NE(m, nullptr) << svc;
        for (const auto& op : ops) {
            EXPECT_TRUE(aws::has_operation(*m, op)) << svc << " " << op;
            ++count;
        }
    }
    EXPECT_EQ(count, 103);
}

// ---------- serialization ----------

TEST(ProtocolSerialize, QueryListsMapsAndScalars) {
    auto req = serialize("rds", "DescribeDBInstances",
                         R"({"DBInstanceIdentifier":"db1","MaxRecords":"50",
                             "Filters":[{"Name":"engine","Values":["mysql","postgres"]}]})");
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/");
    EXPECT_EQ(header(req.headers, "Content-Type"),
              "application/x-www-form-urlencoded; charset=utf-8");
    auto p = form(req.body);
    EXPECT_EQ(query_value(p, "Action"), "DescribeDBInstances");
    EXPECT_EQ(query_value(p, "Version"), "2014-10-31");
    EXPECT_EQ(query_value(p, "MaxRecords"), "50");
    // RDS names its list members Filter / Value.
    EXPECT_EQ(query_value(p, "Filters.Filter.1.Name"), "engine");
    EXPECT_EQ(query_value(p, "Filters.Filter.1.Values.Value.2"), "postgres");

    auto iam = form(serialize("iam", "PutUserPolicy",
                              R"({"UserName":"a b","PolicyName":"p","PolicyDocument":"{\"x\":1}"})")
                        .body);
    EXPECT_EQ(query_value(iam, "UserName"), "a b");
    EXPECT_EQ(query_value(iam, "PolicyDocument"), R"({"x":1})");
    EXPECT_NE(serialize("iam", "PutUserPolicy", R"({"UserName":"a b","PolicyName":"p",
              "PolicyDocument":"x"})")
                  .body.find("UserName=a%20b"),
              std::string::npos);

    // Lists without a member name use .member.N; booleans are true/false.
    auto elb = form(
        serialize("elbv2", "DescribeLoadBalancers", R"({"Names":["a","b"],"PageSize":5})").body);
    EXPECT_EQ(query_value(elb, "Names.member.1"), "a");
    EXPECT_EQ(query_value(elb, "Names.member.2"), "b");

    auto sts = form(serialize("sts", "AssumeRole",
                              R"({"RoleArn":"arn:aws:iam::1:role/r","RoleSessionName":"s",
                                  "DurationSeconds":900,"Tags":[{"Key":"k","Value":"v"}]})")
                        .body);
    EXPECT_EQ(query_value(sts, "DurationSeconds"), "900");
    EXPECT_EQ(query_value(sts, "Tags.member.1.Key"), "k");
}

TEST(ProtocolSerialize, QueryMapEntries) {
    auto p = form(serialize("sns", "CreateTopic",
                            R"({"Name":"t","Attributes":{"KmsMasterKeyId":"alias/aws/sns"}})")
                      .body);
    EXPECT_EQ(query_value(p, "Attributes.entry.1.key"), "KmsMasterKeyId");
    EXPECT_EQ(query_value(p, "Attributes.entry.1.value"), "alias/aws/sns");
}

TEST(ProtocolSerialize, ParameterValidation) {
    auto r = aws::serialize_request(service("iam"), "ListUsers",
                                    json::parse(R"({"NoSuchParam":1})").as_object());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("NoSuchParam"), std::string::npos);
    auto missing = aws::serialize_request(service("iam"), "CreateUser", {});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("UserName"), std::string::npos);
    auto bad_int = aws::serialize_request(service("iam"), "ListUsers",
                                          json::parse(R"({"MaxItems":"ten"})").as_object());
    EXPECT_FALSE(bad_int);
}

TEST(ProtocolSerialize, Ec2NamesWithoutMember) {
    auto req = serialize("ec2", "DescribeRegions",
                         R"({"RegionNames":["us-east-1","eu-west-1"],"AllRegions":true,
                             "Filters":[{"Name":"opt-in-status","Values":["opted-in"]}],
                             "DryRun":false})");
    auto p = form(req.body);
    EXPECT_EQ(query_value(p, "Action"), "DescribeRegions");
    EXPECT_EQ(query_value(p, "Version"), "2016-11-15");
    EXPECT_EQ(query_value(p, "RegionName.1"), "us-east-1");
    EXPECT_EQ(query_value(p, "RegionName.2"), "eu-west-1");
    EXPECT_EQ(query_value(p, "AllRegions"), "true");
    EXPECT_EQ(query_value(p, "Filter.1.Name"), "opt-in-status");
    EXPECT_EQ(query_value(p, "Filter.1.Value.1"), "opted-in");
    EXPECT_EQ(query_value(p, "DryRun"), "false");  // locationName dryRun, capitalised
    for (const auto& [k, v] : p)
        EXPECT_EQ(k.find("member"), std::string::npos) << k;
}

TEST(ProtocolSerialize, JsonTargetAndBody) {
    auto req =
        serialize("dynamodb", "ListTables", R"({"ExclusiveStartTableName":"t1","Limit":"2"})");
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/");
    EXPECT_EQ(header(req.headers, "X-Amz-Target"), "DynamoDB_20120810.ListTables");
    EXPECT_EQ(header(req.headers, "Content-Type"), "application/x-amz-json-1.0");
    auto body = json::parse(req.body);
    EXPECT_EQ(body.at("ExclusiveStartTableName"), "t1");
    EXPECT_EQ(body.at("Limit"), 2);  // coerced to the shape's integer

    auto empty = serialize("organizations", "DescribeOrganization", "{}");
    EXPECT_EQ(empty.body, "{}");
    EXPECT_EQ(header(empty.headers, "X-Amz-Target"),
              "AWSOrganizationsV20161128.DescribeOrganization");
    EXPECT_EQ(header(empty.headers, "Content-Type"), "application/x-amz-json-1.1");

    auto sso = serialize("sso-admin", "ListPermissionSets", R"({"InstanceArn":"arn:x"})");
    EXPECT_EQ(header(sso.headers, "X-Amz-Target"), "SWBExternalService.ListPermissionSets");
    EXPECT_EQ(json::parse(sso.body).at("InstanceArn"), "arn:x");
}

TEST(ProtocolSerialize, RestXmlLabelsQueryLiteralsAndHeaders) {
    auto enc = serialize("s3", "GetBucketEncryption", R"({"Bucket":"my-bucket"})");
    EXPECT_EQ(enc.method, "GET");
    EXPECT_EQ(enc.path, "/my-bucket");
    EXPECT_EQ(enc.bucket, "my-bucket");
    ASSERT_EQ(enc.query.size(), 1u);
    EXPECT_EQ(enc.query[0], (std::pair<std::string, std::string>{"encryption", ""}));
    EXPECT_TRUE(enc.body.empty());

    auto list = serialize("s3", "ListObjectsV2",
                          R"({"Bucket":"b","Prefix":"a b/c","ContinuationToken":"tok",
                              "MaxKeys":10,"ExpectedBucketOwner":"123"})");
    EXPECT_EQ(list.path, "/b");
    EXPECT_EQ(query_value(list.query, "list-type"), "2");
    EXPECT_EQ(query_value(list.query, "prefix"), "a b/c");  // encoded later, by the signer
    EXPECT_EQ(query_value(list.query, "continuation-token"), "tok");
    EXPECT_EQ(query_value(list.query, "max-keys"), "10");
    EXPECT_EQ(header(list.headers, "x-amz-expected-bucket-owner"), "123");

    // Greedy key: slashes kept, everything else percent-encoded per RFC 3986.
    auto put = serialize("s3", "PutObject", R"({"Bucket":"b","Key":"dir/sub dir/ä+x~.txt",
                                               "Body":"hello"})");
    EXPECT_EQ(put.method, "PUT");
    EXPECT_EQ(put.path, "/b/dir/sub%20dir/%C3%A4%2Bx~.txt");
    EXPECT_EQ(put.body, "hello");

    // Non-greedy labels encode '/'.
    auto dist = serialize("cloudfront", "GetDistributionConfig", R"({"Id":"E1/2"})");
    EXPECT_EQ(dist.path, "/2020-05-31/distribution/E1%2F2/config");

    auto ctrl = serialize("s3control", "GetPublicAccessBlock", R"({"AccountId":"123456789012"})");
    EXPECT_EQ(ctrl.path, "/v20180820/configuration/publicAccessBlock");
    EXPECT_EQ(header(ctrl.headers, "x-amz-account-id"), "123456789012");
    EXPECT_EQ(ctrl.host_prefix, "123456789012.");

    auto missing = aws::serialize_request(service("s3"), "GetBucketEncryption", {});
    EXPECT_FALSE(missing);
}

TEST(ProtocolSerialize, RestXmlPayloadBody) {
    auto req = serialize("s3", "PutBucketEncryption", R"({"Bucket":"b",
        "ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":
            {"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"k&1"},"BucketKeyEnabled":true}]}})");
    EXPECT_EQ(req.method, "PUT");
    EXPECT_EQ(query_value(req.query, "encryption"), "");
    EXPECT_EQ(
        req.body,
        "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
        "<KMSMasterKeyID>k&amp;1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
        "<BucketKeyEnabled>true</BucketKeyEnabled></Rule>"
        "</ServerSideEncryptionConfiguration>");
    // S3 requires a body checksum on this operation.
    EXPECT_NE(header(req.headers, "Content-MD5"), "<absent>");
    EXPECT_EQ(header(req.headers, "Content-MD5").size(), 24u);

    auto create = serialize("s3", "CreateBucket", R"({"Bucket":"b",
        "CreateBucketConfiguration":{"LocationConstraint":"eu-west-1"}})");
    EXPECT_EQ(create.path, "/b");
    EXPECT_EQ(create.body,
              "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
}

TEST(ProtocolSerialize, RestJsonPathAndQuery) {
    auto req = serialize("eks", "DescribeCluster", R"({"name":"prod cluster"})");
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, "/clusters/prod%20cluster");
    EXPECT_TRUE(req.body.empty());
    auto list = serialize("lambda", "ListFunctions", R"({"Marker":"m","MaxItems":5})");
    EXPECT_EQ(list.path, "/2015-03-31/functions");
    EXPECT_EQ(query_value(list.query, "Marker"), "m");
    EXPECT_EQ(query_value(list.query, "MaxItems"), "5");
}

// ---------- parsing ----------

TEST(ProtocolParse, S3GetBucketEncryption) {
    auto doc = ok("s3", "GetBucketEncryption", R"(<?xml version="1.0" encoding="UTF-8"?>
<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule>
    <ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>
    <BucketKeyEnabled>false</BucketKeyEnabled>
  </Rule>
</ServerSideEncryptionConfiguration>)");
    EXPECT_EQ(at(doc,
                 "ServerSideEncryptionConfiguration.Rules[0]."
                 "ApplyServerSideEncryptionByDefault.SSEAlgorithm"),
              "AES256");
    EXPECT_EQ(at(doc, "ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled"), false);
    EXPECT_TRUE(at(doc, "ServerSideEncryptionConfiguration.Rule").is_null());
}

TEST(ProtocolParse, S3ListBucketsAndHeaders) {
    auto doc = ok("s3", "ListBuckets",
                  R"(<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>
  <Buckets>
    <Bucket><Name>alpha</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket>
    <Bucket><Name>beta</Name><CreationDate>2024-01-02T03:04:05.250Z</CreationDate></Bucket>
  </Buckets>
</ListAllMyBucketsResult>)");
    ASSERT_TRUE(at(doc, "Buckets").is_array());
    EXPECT_EQ(at(doc, "Buckets").as_array().size(), 2u);
    EXPECT_EQ(at(doc, "Buckets[0].Name"), "alpha");
    EXPECT_EQ(at(doc, "Buckets[1].Name"), "beta");
    EXPECT_EQ(at(doc, "Buckets[0].CreationDate"), "2024-01-02T03:04:05+00:00");
    EXPECT_EQ(at(doc, "Buckets[1].CreationDate"), "2024-01-02T03:04:05.250000+00:00");
    EXPECT_EQ(at(doc, "Owner.ID"), "abc");

    auto empty = ok("s3", "ListBuckets",
                    "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>");
    ASSERT_TRUE(at(empty, "Buckets").is_array());
    EXPECT_TRUE(at(empty, "Buckets").as_array().empty());

    auto head = ok("s3", "HeadBucket", "", {{"X-Amz-Bucket-Region", "eu-central-1"}});
    EXPECT_EQ(at(head, "BucketRegion"), "eu-central-1");

    auto loc = ok(
        "s3", "GetBucketLocation",
        R"(<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>)");
    EXPECT_EQ(at(loc, "LocationConstraint"), "eu-west-1");
    auto us = ok("s3", "GetBucketLocation",
                 R"(<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)");
    EXPECT_TRUE(us.as_object().contains("LocationConstraint"));
    EXPECT_TRUE(at(us, "LocationConstraint").is_null());

    auto policy = ok("s3", "GetBucketPolicy", R"({"Version":"2012-10-17","Statement":[]})");
    EXPECT_EQ(at(policy, "Policy"), R"({"Version":"2012-10-17","Statement":[]})");

    auto pab = ok("s3", "GetPublicAccessBlock", R"(<PublicAccessBlockConfiguration>
<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>
</PublicAccessBlockConfiguration>)");
    EXPECT_EQ(at(pab, "PublicAccessBlockConfiguration.BlockPublicAcls"), true);
    EXPECT_EQ(at(pab, "PublicAccessBlockConfiguration.IgnorePublicAcls"), false);
}

TEST(ProtocolParse, IamGetAccountSummaryMap) {
    auto doc = ok("iam", "GetAccountSummary",
                  R"(<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountSummaryResult>
    <SummaryMap>
      <entry><key>Users</key><value>7</value></entry>
      <entry><key>AccountMFAEnabled</key><value>1</value></entry>
    </SummaryMap>
  </GetAccountSummaryResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetAccountSummaryResponse>)");
    EXPECT_EQ(at(doc, "SummaryMap.AccountMFAEnabled"), 1);
    EXPECT_TRUE(at(doc, "SummaryMap.AccountMFAEnabled").is_int64());
    EXPECT_EQ(at(doc, "SummaryMap.Users"), 7);
    EXPECT_FALSE(doc.as_object().contains("ResponseMetadata"));
}

TEST(ProtocolParse, IamListUsersAndUnknownElements) {
    auto doc = ok("iam", "ListUsers", R"(<ListUsersResponse><ListUsersResult>
  <Users>
    <member><UserName>alice</UserName><UserId>A1</UserId><Arn>arn:aws:iam::1:user/alice</Arn>
      <Path>/</Path><CreateDate>2023-05-01T10:00:00Z</CreateDate><Extra>kept</Extra></member>
  </Users>
  <IsTruncated>true</IsTruncated><Marker>next</Marker>
</ListUsersResult></ListUsersResponse>)");
    EXPECT_EQ(at(doc, "Users[0].UserName"), "alice");
    EXPECT_EQ(at(doc, "Users[0].CreateDate"), "2023-05-01T10:00:00+00:00");
    EXPECT_EQ(at(doc, "Users[0].Extra"), "kept");
    EXPECT_EQ(at(doc, "IsTruncated"), true);
    EXPECT_EQ(at(doc, "Marker"), "next");
}

TEST(ProtocolParse, QueryMapOutput) {
    auto doc =
        ok("sns", "GetTopicAttributes", R"(<GetTopicAttributesResponse><GetTopicAttributesResult>
<Attributes><entry><key>KmsMasterKeyId</key><value>alias/aws/sns</value></entry>
<entry><key>Owner</key><value>123</value></entry></Attributes>
</GetTopicAttributesResult></GetTopicAttributesResponse>)");
    EXPECT_EQ(at(doc, "Attributes.KmsMasterKeyId"), "alias/aws/sns");
    EXPECT_EQ(at(doc, "Attributes.Owner"), "123");  // map values typed by the shape: string
}

TEST(ProtocolParse, RdsDescribeDBInstancesBoolean) {
    auto doc = ok("rds", "DescribeDBInstances",
                  R"(<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult>
    <DBInstances>
      <DBInstance>
        <DBInstanceIdentifier>db1</DBInstanceIdentifier>
        <StorageEncrypted>true</StorageEncrypted>
        <AllocatedStorage>20</AllocatedStorage>
        <VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1</VpcSecurityGroupId></VpcSecurityGroupMembership></VpcSecurityGroups>
      </DBInstance>
      <DBInstance><DBInstanceIdentifier>db2</DBInstanceIdentifier><StorageEncrypted>false</StorageEncrypted></DBInstance>
    </DBInstances>
  </DescribeDBInstancesResult>
</DescribeDBInstancesResponse>)");
    EXPECT_EQ(at(doc, "DBInstances[0].StorageEncrypted"), true);
    EXPECT_TRUE(at(doc, "DBInstances[0].StorageEncrypted").is_bool());
    EXPECT_EQ(at(doc, "DBInstances[1].StorageEncrypted"), false);
    EXPECT_EQ(at(doc, "DBInstances[0].AllocatedStorage"), 20);
    EXPECT_EQ(at(doc, "DBInstances[0].VpcSecurityGroups[0].VpcSecurityGroupId"), "sg-1");
}

TEST(ProtocolParse, Ec2DescribeRegionsItems) {
    auto doc = ok("ec2", "DescribeRegions",
                  R"(<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <regionInfo>
    <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
    <item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint></item>
  </regionInfo>
</DescribeRegionsResponse>)");
    EXPECT_EQ(at(doc, "Regions[0].RegionName"), "us-east-1");
    EXPECT_EQ(at(doc, "Regions[1].Endpoint"), "ec2.eu-west-1.amazonaws.com");
    EXPECT_EQ(at(doc, "Regions[0].OptInStatus"), "opt-in-not-required");
    EXPECT_FALSE(doc.as_object().contains("requestId"));

    auto ebs = ok("ec2", "GetEbsEncryptionByDefault",
                  "<GetEbsEncryptionByDefaultResponse><requestId>x</requestId>"
                  "<ebsEncryptionByDefault>true</ebsEncryptionByDefault>"
                  "</GetEbsEncryptionByDefaultResponse>");
    EXPECT_EQ(at(ebs, "EbsEncryptionByDefault"), true);

    auto vols = ok("ec2", "DescribeVolumes",
                   "<DescribeVolumesResponse><volumeSet/></DescribeVolumesResponse>");
    ASSERT_TRUE(at(vols, "Volumes").is_array());
    EXPECT_TRUE(at(vols, "Volumes").as_array().empty());
}

TEST(ProtocolParse, CloudFrontListDistributions) {
    auto doc = ok("cloudfront", "ListDistributions", R"(<?xml version="1.0"?>
<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity>
  <Items>
    <DistributionSummary>
      <Id>E1</Id><DomainName>d1.cloudfront.net</DomainName><Enabled>true</Enabled>
      <DefaultCacheBehavior><TargetOriginId>o1</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior>
      <CacheBehaviors><Quantity>2</Quantity><Items>
        <CacheBehavior><PathPattern>/a/*</PathPattern><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></CacheBehavior>
        <CacheBehavior><PathPattern>/b/*</PathPattern><ViewerProtocolPolicy>https-only</ViewerProtocolPolicy></CacheBehavior>
      </Items></CacheBehaviors>
    </DistributionSummary>
  </Items>
</DistributionList>)");
    EXPECT_EQ(at(doc, "DistributionList.Items[0].DefaultCacheBehavior.ViewerProtocolPolicy"),
              "redirect-to-https");
    EXPECT_EQ(at(doc, "DistributionList.Items[0].CacheBehaviors.Quantity"), 2);
    EXPECT_EQ(at(doc, "DistributionList.Items[0].CacheBehaviors.Items[1].ViewerProtocolPolicy"),
              "https-only");
    EXPECT_EQ(at(doc, "DistributionList.IsTruncated"), false);
    EXPECT_EQ(at(doc, "DistributionList.Items[0].Enabled"), true);

    auto cfg = ok("cloudfront", "GetDistributionConfig",
                  "<DistributionConfig><Enabled>true</Enabled></DistributionConfig>",
                  {{"ETag", "E2QWRUHAPOMQZL"}});
    EXPECT_EQ(at(cfg, "ETag"), "E2QWRUHAPOMQZL");
    EXPECT_EQ(at(cfg, "DistributionConfig.Enabled"), true);
}

TEST(ProtocolParse, JsonPassthroughAndTimestamps) {
    auto doc =
        ok("dynamodb", "ListTables", R"({"TableNames":["a","b"],"LastEvaluatedTableName":"b"})");
    EXPECT_EQ(at(doc, "TableNames[1]"), "b");
    EXPECT_EQ(at(doc, "LastEvaluatedTableName"), "b");
    auto table = ok("dynamodb", "DescribeTable",
                    R"({"Table":{"TableName":"t","CreationDateTime":1704164645.5,
                        "SSEDescription":{"Status":"ENABLED"},"ItemCount":3}})");
    EXPECT_EQ(at(table, "Table.CreationDateTime"), "2024-01-02T03:04:05.500000+00:00");
    EXPECT_EQ(at(table, "Table.ItemCount"), 3);
    EXPECT_EQ(at(table, "Table.SSEDescription.Status"), "ENABLED");
    // An empty body is not an empty list: ListTables has members in the body (see
    // answer_root_test.cpp); {} is an answer with nothing in it.
    EXPECT_EQ(fail("dynamodb", "ListTables", 200, "").code, "MalformedResponse");
    EXPECT_TRUE(ok("dynamodb", "ListTables", "{}").as_object().empty());
    // Content-Type is not trusted: a JSON body labelled as XML still parses as JSON.
    EXPECT_EQ(
        at(ok("dynamodb", "ListTables", R"({"TableNames":[]})", {{"Content-Type", "text/xml"}}),
           "TableNames")
            .as_array()
            .size(),
        0u);
}

TEST(ProtocolParse, MalformedSuccessBody) {
    auto r = aws::parse_response(service("iam"), "ListUsers", 200, {}, "<ListUsersResponse><oops");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "MalformedResponse");
    auto j = aws::parse_response(service("dynamodb"), "ListTables", 200, {}, "{not json");
    ASSERT_FALSE(j);
    EXPECT_EQ(j.error().code, "MalformedResponse");
}

// ---------- errors ----------

TEST(ProtocolErrors, QueryErrorResponse) {
    auto e = fail("iam", "ListUsers", 403,
                  R"(<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::1:user/x is not authorized to perform: iam:ListUsers</Message></Error>
  <RequestId>req-123</RequestId>
</ErrorResponse>)");
    EXPECT_EQ(e.code, "AccessDenied");
    EXPECT_NE(e.message.find("iam:ListUsers"), std::string::npos);
    EXPECT_EQ(e.request_id, "req-123");
}

TEST(ProtocolErrors, Ec2ResponseErrors) {
    auto e = fail("ec2", "DescribeVolumes", 403, R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>ec2-req</RequestID></Response>)");
    EXPECT_EQ(e.code, "UnauthorizedOperation");
    EXPECT_EQ(e.message, "You are not authorized to perform this operation.");
    EXPECT_EQ(e.request_id, "ec2-req");
}

TEST(ProtocolErrors, S3BareError) {
    auto e = fail("s3", "GetBucketEncryption", 404, R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>The server side encryption configuration was not found</Message><BucketName>b</BucketName><RequestId>s3-req</RequestId></Error>)",
                  {{"x-amz-request-id", "hdr-req"}});
    EXPECT_EQ(e.code, "ServerSideEncryptionConfigurationNotFoundError");
    EXPECT_EQ(e.request_id, "hdr-req");  // the header wins over the body
    auto body_id = fail("s3", "GetBucketEncryption", 404,
                        "<Error><Code>NoSuchBucket</Code><RequestId>s3-req</RequestId></Error>");
    EXPECT_EQ(body_id.request_id, "s3-req");
}

TEST(ProtocolErrors, JsonTypeWithPrefix) {
    auto e = fail(
        "dynamodb", "DescribeTable", 400,
        R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})",
        {{"x-amzn-RequestId", "ddb-req"}});
    EXPECT_EQ(e.code, "ResourceNotFoundException");
    EXPECT_EQ(e.message, "Requested resource not found");
    EXPECT_EQ(e.request_id, "ddb-req");
    auto upper = fail("organizations", "DescribeOrganization", 400,
                      R"({"__type":"AWSOrganizationsNotInUseException","Message":"not in use"})");
    EXPECT_EQ(upper.code, "AWSOrganizationsNotInUseException");
    EXPECT_EQ(upper.message, "not in use");
    auto code =
        fail("guardduty", "ListDetectors", 400, R"({"code":"BadRequestException","message":"m"})");
    EXPECT_EQ(code.code, "BadRequestException");
}

TEST(ProtocolErrors, ErrorTypeHeader) {
    auto e =
        fail("lambda", "ListFunctions", 403, R"({"Message":"denied"})",
             {{"X-Amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/"}});
    EXPECT_EQ(e.code, "AccessDeniedException");
    EXPECT_EQ(e.message, "denied");
    auto empty =
        fail("eks", "ListClusters", 429, "", {{"x-amzn-errortype", "ThrottlingException"}});
    EXPECT_EQ(empty.code, "ThrottlingException");
}

TEST(ProtocolErrors, XmlErrorOnJsonService) {
    // moto answers authentication failures on JSON services with the query error document.
    auto e = fail("sso-admin", "ListInstances", 403, R"(<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>moto-req</RequestId></ErrorResponse>)",
                  {{"Content-Type", "application/x-amz-json-1.1"}});
    EXPECT_EQ(e.code, "InvalidClientTokenId");
    EXPECT_EQ(e.request_id, "moto-req");
}

TEST(ProtocolErrors, EmptyBodiesUseTheStatus) {
    EXPECT_EQ(fail("s3", "HeadBucket", 403, "").code, "Forbidden");
    EXPECT_EQ(fail("s3", "HeadBucket", 404, "").code, "NotFound");
    EXPECT_EQ(fail("s3", "HeadBucket", 301, "", {{"x-amz-bucket-region", "eu-west-1"}}).code,
              "PermanentRedirect");
    EXPECT_EQ(fail("iam", "ListUsers", 503, "   ").code, "ServiceUnavailable");
    auto text = fail("iam", "ListUsers", 502, "upstream went away");
    EXPECT_EQ(text.code, "BadGateway");
    EXPECT_EQ(text.message, "upstream went away");
}

TEST(ProtocolErrors, QueryCompatibleHeader) {
    auto e = fail("sqs", "GetQueueAttributes", 400,
                  R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"})",
                  {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}});
    EXPECT_EQ(e.code, "AWS.SimpleQueueService.NonExistentQueue");
}

// ---------- paginators ----------

TEST(ProtocolPaginator, Styles) {
    auto iam = aws::find_paginator(service("iam"), "ListUsers");
    ASSERT_TRUE(iam);
    EXPECT_EQ(iam->input_tokens, std::vector<std::string>{"Marker"});
    EXPECT_EQ(iam->output_tokens, std::vector<std::string>{"Marker"});
    EXPECT_EQ(iam->result_keys, std::vector<std::string>{"Users"});
    EXPECT_EQ(iam->more_results, "IsTruncated");

    auto s3 = aws::find_paginator(service("s3"), "ListObjectsV2");
    ASSERT_TRUE(s3);
    EXPECT_EQ(s3->input_tokens, std::vector<std::string>{"ContinuationToken"});
    EXPECT_EQ(s3->output_tokens, std::vector<std::string>{"NextContinuationToken"});
    EXPECT_EQ(s3->result_keys, (std::vector<std::string>{"Contents", "CommonPrefixes"}));
    EXPECT_EQ(s3->more_results, "IsTruncated");

    auto ddb = aws::find_paginator(service("dynamodb"), "ListTables");
    ASSERT_TRUE(ddb);
    EXPECT_EQ(ddb->input_tokens, std::vector<std::string>{"ExclusiveStartTableName"});
    EXPECT_EQ(ddb->output_tokens, std::vector<std::string>{"LastEvaluatedTableName"});
    EXPECT_EQ(ddb->result_keys, std::vector<std::string>{"TableNames"});
    EXPECT_TRUE(ddb->more_results.empty());

    auto org = aws::find_paginator(service("organizations"), "ListPolicies");
    ASSERT_TRUE(org);
    EXPECT_EQ(org->input_tokens, std::vector<std::string>{"NextToken"});
    EXPECT_EQ(org->output_tokens, std::vector<std::string>{"NextToken"});
    EXPECT_EQ(org->result_keys, std::vector<std::string>{"Policies"});

    auto cf = aws::find_paginator(service("cloudfront"), "ListDistributions");
    ASSERT_TRUE(cf);
    EXPECT_EQ(cf->output_tokens, std::vector<std::string>{"DistributionList.NextMarker"});
    EXPECT_EQ(cf->result_keys, std::vector<std::string>{"DistributionList.Items"});

    EXPECT_FALSE(aws::find_paginator(service("s3"), "GetBucketEncryption"));
    EXPECT_FALSE(aws::find_paginator(service("s3"), "NoSuchOperation"));
}

}  // namespace
