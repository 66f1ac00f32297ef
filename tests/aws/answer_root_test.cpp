// Answers that are not what they claim: a 2xx answer must be its operation's document (query and
// ec2: <OperationResponse> with the model's resultWrapper; rest-xml: the payload's or the
// documented root element; json and rest-json: a JSON object). An HTML page from a proxy or a
// captive portal, an empty body, <ok/>, {}, null or [] is MalformedResponse naming the operation
// and what was seen, never an empty document that reads as "no resources".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "aws/protocol.hpp"

namespace {

using namespace dspm;
namespace json = boost::json;
using ::testing::HasSubstr;

const aws::ServiceModel& service(std::string_view name) {
    const auto* m = aws::find_service(name);
    if (!m) throw std::runtime_error("no embedded model for " + std::string(name));
    return *m;
}

json::value ok(std::string_view svc, std::string_view op, std::string_view body,
               const net::Headers& headers = {}) {
    auto r = aws::parse_response(service(svc), op, 200, headers, body);
    if (!r)
        throw std::runtime_error("unexpected error " + r.error().code + ": " + r.error().message);
    return *r;
}

aws::WireError malformed(std::string_view svc, std::string_view op, std::string_view body,
                         const net::Headers& headers = {}) {
    auto r = aws::parse_response(service(svc), op, 200, headers, body);
    if (r) {
        ADD_FAILURE() << svc << ":" << op << " accepted " << body << " as " << json::serialize(*r);
        return {};
    }
    EXPECT_EQ(r.error().code, "MalformedResponse") << svc << ":" << op << " " << body;
    EXPECT_THAT(r.error().message, HasSubstr(std::string(svc) + ":" + std::string(op)));
    return r.error();
}

// A captive portal's page: well-formed XHTML (parses as XML) and a sloppy HTML page (does not).
constexpr const char* kPortalXhtml = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Guest Wi-Fi</title></head>
<body><form action="/login" method="post"><p>Accept the terms to continue.</p></form></body></html>)";
constexpr const char* kPortalHtml = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><p>Please sign in<br><input type=text name=user></body></html>)";

// Bodies no AWS XML operation answers with a 200.
const std::vector<std::string> kHostileForXml = {
    kPortalXhtml, kPortalHtml, "<ok/>", "", "   \n", "{}", "null", "[]", "\"ok\"", "42", "OK",
};
// Bodies no AWS JSON operation answers with a 200 ({} is a valid, empty, JSON object).
const std::vector<std::string> kHostileForJson = {
    kPortalXhtml, kPortalHtml, "<ok/>", "", "null", "[]", "\"ok\"", "42", "true", "OK",
};

// ---------- query ----------

TEST(AnswerRootQuery, RealAnswersStillParse) {
    auto sts = ok("sts", "GetCallerIdentity",
                  R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)");
    EXPECT_EQ(sts.at("Account"), "123456789012");

    auto clusters =
        ok("rds", "DescribeDBClusters",
           R"(<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBClustersResult>
    <DBClusters>
      <DBCluster>
        <DBClusterIdentifier>sample-cluster</DBClusterIdentifier>
        <Engine>aurora-mysql</Engine>
        <StorageEncrypted>false</StorageEncrypted>
      </DBCluster>
    </DBClusters>
  </DescribeDBClustersResult>
  <ResponseMetadata><RequestId>d9a8e5c2-2c4b-11e9-a7ed-EXAMPLE</RequestId></ResponseMetadata>
</DescribeDBClustersResponse>)");
    ASSERT_EQ(clusters.at("DBClusters").as_array().size(), 1u);
    EXPECT_EQ(clusters.at("DBClusters").at(0).at("StorageEncrypted"), false);

    // An empty result is still wrapped: no clusters, and that is a real answer.
    auto none = ok("rds", "DescribeDBClusters",
                   "<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters/>"
                   "</DescribeDBClustersResult></DescribeDBClustersResponse>");
    EXPECT_TRUE(none.at("DBClusters").as_array().empty());

    // A prefixed root (namespaces are not part of the name).
    auto users = ok("iam", "ListUsers",
                    R"(<iam:ListUsersResponse xmlns:iam="https://iam.amazonaws.com/doc/2010-05-08/">
<iam:ListUsersResult><iam:Users/><iam:IsTruncated>false</iam:IsTruncated></iam:ListUsersResult>
</iam:ListUsersResponse>)");
    EXPECT_EQ(users.at("IsTruncated"), false);

    // No output shape: the answer still names the operation.
    EXPECT_TRUE(ok("iam", "PutUserPolicy",
                   "<PutUserPolicyResponse><ResponseMetadata><RequestId>r</RequestId>"
                   "</ResponseMetadata></PutUserPolicyResponse>")
                    .as_object()
                    .empty());
}

TEST(AnswerRootQuery, HostileBodiesAreMalformed) {
    for (const auto& [svc, op] :
         std::vector<std::pair<std::string, std::string>>{{"sts", "GetCallerIdentity"},
                                                          {"iam", "ListUsers"},
                                                          {"rds", "DescribeDBClusters"},
                                                          {"rds", "DescribeDBInstances"},
                                                          {"iam", "PutUserPolicy"}}) {
        for (const auto& body : kHostileForXml)
            malformed(svc, op, body);
    }
}

TEST(AnswerRootQuery, MessagesNameTheOperationAndWhatWasSeen) {
    auto html = malformed("rds", "DescribeDBClusters", kPortalXhtml);
    EXPECT_THAT(html.message,
                HasSubstr("rds:DescribeDBClusters: expected <DescribeDBClustersResponse>, got "
                          "<html>"));
    auto sloppy = malformed("rds", "DescribeDBClusters", kPortalHtml);
    EXPECT_THAT(sloppy.message, HasSubstr("got an HTML page"));
    EXPECT_THAT(malformed("sts", "GetCallerIdentity", "").message, HasSubstr("an empty body"));
    EXPECT_THAT(malformed("sts", "GetCallerIdentity", "<ok/>").message, HasSubstr("got <ok>"));
    EXPECT_THAT(malformed("iam", "ListUsers", "{}").message, HasSubstr("invalid XML"));
}

TEST(AnswerRootQuery, AnotherOperationsAnswerIsMalformed) {
    // The instances' answer where the clusters' was expected: a cluster would drop out of 2.0-02.
    auto e = malformed("rds", "DescribeDBClusters",
                       "<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances/>"
                       "</DescribeDBInstancesResult></DescribeDBInstancesResponse>");
    EXPECT_THAT(e.message, HasSubstr("got <DescribeDBInstancesResponse>"));
}

TEST(AnswerRootQuery, MissingResultWrapperIsMalformed) {
    auto e = malformed("rds", "DescribeDBClusters",
                       "<DescribeDBClustersResponse><ResponseMetadata><RequestId>r</RequestId>"
                       "</ResponseMetadata></DescribeDBClustersResponse>");
    EXPECT_THAT(e.message, HasSubstr("expected <DescribeDBClustersResult> in "
                                     "<DescribeDBClustersResponse>"));
}

TEST(AnswerRootQuery, ErrorDocumentWithStatus200IsMalformedWithItsCode) {
    auto e = malformed("iam", "ListUsers",
                       "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                       "<Message>Rate exceeded</Message></Error><RequestId>r-9</RequestId>"
                       "</ErrorResponse>");
    EXPECT_THAT(e.message, HasSubstr("<ErrorResponse>"));
    EXPECT_THAT(e.message, HasSubstr("Throttling: Rate exceeded"));
}

// ---------- ec2 ----------

TEST(AnswerRootEc2, RealAnswersStillParse) {
    auto regions = ok("ec2", "DescribeRegions",
                      R"(<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
   <regionInfo>
      <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item>
   </regionInfo>
</DescribeRegionsResponse>)");
    EXPECT_EQ(regions.at("Regions").at(0).at("RegionName"), "us-east-1");
    auto vols = ok("ec2", "DescribeVolumes",
                   "<DescribeVolumesResponse><requestId>x</requestId><volumeSet/>"
                   "</DescribeVolumesResponse>");
    EXPECT_TRUE(vols.at("Volumes").as_array().empty());
}

TEST(AnswerRootEc2, HostileBodiesAndOtherRootsAreMalformed) {
    for (const auto* op : {"DescribeRegions", "DescribeVolumes", "GetEbsEncryptionByDefault"})
        for (const auto& body : kHostileForXml)
            malformed("ec2", op, body);
    auto other = malformed("ec2", "DescribeRegions",
                           "<DescribeVolumesResponse><volumeSet/></DescribeVolumesResponse>");
    EXPECT_THAT(other.message,
                HasSubstr("expected <DescribeRegionsResponse>, got <DescribeVolumesResponse>"));
    // EC2's error document with a 200.
    auto err = malformed("ec2", "DescribeVolumes",
                         "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                         "<Message>slow down</Message></Error></Errors></Response>");
    EXPECT_THAT(err.message, HasSubstr("got <Response>"));
}

// ---------- rest-xml ----------

TEST(AnswerRootRestXml, RealAnswersStillParse) {
    auto buckets = ok("s3", "ListBuckets", R"(<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Buckets><Bucket><Name>amzn-s3-demo-bucket</Name><CreationDate>2019-12-11T23:32:47+00:00</CreationDate></Bucket></Buckets>
  <Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>
</ListAllMyBucketsResult>)");
    EXPECT_EQ(buckets.at("Buckets").at(0).at("Name"), "amzn-s3-demo-bucket");
    auto loc = ok("s3", "GetBucketLocation",
                  R"(<?xml version="1.0" encoding="UTF-8"?>
<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>)");
    EXPECT_EQ(loc.at("LocationConstraint"), "eu-west-1");
    auto sse =
        ok("s3", "GetBucketEncryption",
           R"(<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>
</ServerSideEncryptionConfiguration>)");
    EXPECT_EQ(sse.at("ServerSideEncryptionConfiguration")
                  .at("Rules")
                  .at(0)
                  .at("ApplyServerSideEncryptionByDefault")
                  .at("SSEAlgorithm"),
              "aws:kms");
    // AWS's and moto's roots of GetBucketVersioning and GetBucketNotificationConfiguration.
    EXPECT_EQ(ok("s3", "GetBucketVersioning",
                 "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                  .at("Status"),
              "Enabled");
    EXPECT_EQ(ok("s3", "GetBucketVersioning",
                 "<GetBucketVersioningResponse><Status>Enabled</Status>"
                 "</GetBucketVersioningResponse>")
                  .at("Status"),
              "Enabled");
    EXPECT_TRUE(ok("s3", "GetBucketNotificationConfiguration", "<NotificationConfiguration/>")
                    .as_object()
                    .empty());
    EXPECT_TRUE(ok("s3", "GetBucketNotificationConfiguration", "<GetBucketNotificationResponse/>")
                    .as_object()
                    .empty());
    // Output without body members: the empty body of HEAD.
    EXPECT_EQ(ok("s3", "HeadBucket", "", {{"x-amz-bucket-region", "eu-west-1"}}).at("BucketRegion"),
              "eu-west-1");
    // A string payload is the body itself.
    EXPECT_EQ(ok("s3", "GetBucketPolicy", R"({"Version":"2012-10-17"})").at("Policy"),
              R"({"Version":"2012-10-17"})");
    // Operations whose root botocore does not name accept any element.
    auto ap = ok("s3control", "ListAccessPoints",
                 "<ListAccessPointsResult><AccessPointList/></ListAccessPointsResult>");
    EXPECT_TRUE(ap.is_object());
    auto cf = ok("cloudfront", "ListDistributions",
                 "<DistributionList><Quantity>0</Quantity><IsTruncated>false</IsTruncated>"
                 "</DistributionList>");
    EXPECT_EQ(cf.at("DistributionList").at("Quantity"), 0);
}

TEST(AnswerRootRestXml, HostileBodiesAreMalformed) {
    for (const auto& [svc, op] : std::vector<std::pair<std::string, std::string>>{
             {"s3", "ListBuckets"},
             {"s3", "GetBucketLocation"},
             {"s3", "GetBucketEncryption"},
             {"s3", "GetPublicAccessBlock"},
             {"s3", "GetBucketVersioning"},
             {"s3", "GetBucketNotificationConfiguration"},
             {"s3", "GetBucketLogging"},
             {"cloudfront", "ListDistributions"}}) {
        for (const auto& body : kHostileForXml)
            malformed(svc, op, body);
    }
    EXPECT_THAT(malformed("s3", "ListBuckets", kPortalXhtml).message,
                HasSubstr("s3:ListBuckets: expected <ListAllMyBucketsResult>, got <html>"));
    EXPECT_THAT(malformed("s3", "GetBucketEncryption", "<ok/>").message,
                HasSubstr("expected <ServerSideEncryptionConfiguration>, got <ok>"));
    EXPECT_THAT(malformed("s3", "GetBucketLocation", "").message,
                HasSubstr("expected <LocationConstraint>, got an empty body"));
}

TEST(AnswerRootRestXml, UnnamedRootsStillRefuseHtmlAndErrorsAndNonXml) {
    for (const auto& body : {std::string(kPortalXhtml), std::string(kPortalHtml), std::string("{}"),
                             std::string("null"), std::string("")})
        malformed("s3control", "ListAccessPoints", body);
    auto e = malformed("s3control", "ListAccessPoints",
                       "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>");
    EXPECT_THAT(e.message, HasSubstr("SlowDown: Reduce your rate"));
}

// ---------- json / rest-json ----------

TEST(AnswerRootJson, RealAnswersStillParse) {
    auto tables = ok("dynamodb", "ListTables",
                     R"({"TableNames":["Forum","ProductCatalog","Reply","Thread"]})");
    EXPECT_EQ(tables.at("TableNames").as_array().size(), 4u);
    auto keys = ok("kms", "ListKeys", R"({"Keys":[
      {"KeyArn":"arn:aws:kms:us-east-2:111122223333:key/0d990263-018e-4e65-a703-4889EXAMPLE",
       "KeyId":"0d990263-018e-4e65-a703-4889EXAMPLE"}],"Truncated":false})");
    EXPECT_EQ(keys.at("Truncated"), false);
    auto fns = ok("lambda", "ListFunctions",
                  R"({"Functions":[{"FunctionName":"my-function","Runtime":"nodejs20.x"}],
                      "NextMarker":null})");
    EXPECT_EQ(fns.at("Functions").at(0).at("FunctionName"), "my-function");
    auto eks = ok("eks", "ListClusters", R"({"clusters":["devel","prod"]})");
    EXPECT_EQ(eks.at("clusters").as_array().size(), 2u);
    // {} is a JSON object: an answer with nothing in it.
    EXPECT_TRUE(ok("dynamodb", "ListTables", "{}").as_object().empty());
}

TEST(AnswerRootJson, HostileBodiesAreMalformed) {
    for (const auto& [svc, op] :
         std::vector<std::pair<std::string, std::string>>{{"dynamodb", "ListTables"},
                                                          {"dynamodb", "DescribeTable"},
                                                          {"kms", "ListKeys"},
                                                          {"kms", "GetKeyRotationStatus"},
                                                          {"lambda", "ListFunctions"},
                                                          {"eks", "ListClusters"},
                                                          {"eks", "DescribeCluster"}}) {
        for (const auto& body : kHostileForJson)
            malformed(svc, op, body);
    }
    EXPECT_THAT(malformed("dynamodb", "ListTables", "null").message,
                HasSubstr("dynamodb:ListTables: expected a JSON object, got null"));
    EXPECT_THAT(malformed("eks", "ListClusters", "[]").message,
                HasSubstr("expected a JSON object, got an array"));
    EXPECT_THAT(malformed("kms", "ListKeys", "").message,
                HasSubstr("expected a JSON object, got an empty body"));
    EXPECT_THAT(malformed("lambda", "ListFunctions", kPortalHtml).message,
                HasSubstr("got an HTML page"));
}

}  // namespace
