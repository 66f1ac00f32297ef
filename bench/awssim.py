#!/usr/bin/env python3
"""A loopback AWS simulator for the benchmark.

It answers the read operations of the audit checks for a synthetic account of a chosen size, adds a
fixed delay to every answer (AWS answers in tens of milliseconds) and throttles each operation above
a configurable rate with that service's real throttling error. moto is too slow for this (about 300
requests/s, and it closes every connection), so the account is generated here instead, in the
documents' real wire formats (query XML, EC2 XML, JSON 1.0/1.1, REST-XML).

With --org-accounts N (default 0: none of this) the account is the management account of an
Organization of N more members (200000000001, ...): organizations ListAccounts lists all N + 1 in
pages of 20, sts AssumeRole of a role in any of them answers credentials whose access key is ASIA
and that account's 12 digits, and sts GetCallerIdentity signed with such a key answers that account.
Every other call answers the same synthetic account whatever account or region asks.

Control routes: GET /_sim/stats (calls by operation, throttled answers), POST /_sim/reset.
"""
import argparse
import asyncio
import json
import time
import urllib.parse
from collections import Counter
from xml.sax.saxutils import escape

ACCOUNT = "123456789012"
# Services on the query or ec2 protocols (XML answers); the rest answer JSON.
QUERY_SERVICES = {"sts", "iam", "rds", "redshift", "ec2", "elasticache", "sns", "sqs",
                  "cloudformation", "autoscaling", "elasticloadbalancing", "cloudwatch", "s3",
                  "cloudfront"}
REGION = "us-east-1"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ORG_PAGE = 20  # ListAccounts' largest MaxResults
# Handlers that answer only with --org-accounts N > 0 (otherwise the fallback, as before).
ORG_HANDLERS = {"op_organizations_ListAccounts", "op_sts_AssumeRole"}


# --------------------------------------------------------------------------------------------
# The synthetic account
# --------------------------------------------------------------------------------------------
class Account:
    """Resources over S3, RDS, DynamoDB, Redshift and CloudFront; every third one fails."""

    SHARES = {"s3": 0.4, "rds": 0.2, "dynamodb": 0.2, "redshift": 0.1, "cloudfront": 0.1}

    def __init__(self, size):
        counts = {k: max(1, int(size * v)) for k, v in self.SHARES.items()}
        self.buckets = [
            {"name": f"bench-bucket-{i:05d}", "sse": ("AES256" if i % 3 == 0 else "aws:kms")}
            for i in range(counts["s3"])
        ]
        # A few buckets without any default-encryption configuration.
        for b in self.buckets[1::17]:
            b["sse"] = None
        n_rds = counts["rds"]
        self.db_instances = [
            {"id": f"bench-db-{i:05d}", "encrypted": i % 3 != 0} for i in range(n_rds - n_rds // 5)
        ]
        self.db_clusters = [
            {"id": f"bench-cluster-{i:05d}", "encrypted": i % 3 != 0} for i in range(n_rds // 5)
        ]
        self.tables = [{"name": f"bench-table-{i:05d}", "kms": i % 3 != 0}
                       for i in range(counts["dynamodb"])]
        self.redshift = [{"id": f"bench-rs-{i:05d}", "encrypted": i % 3 != 0}
                         for i in range(counts["redshift"])]
        self.distributions = [
            {"id": f"E{i:013d}", "policy": ("allow-all" if i % 3 == 0 else "redirect-to-https")}
            for i in range(counts["cloudfront"])
        ]
        self.table_index = {t["name"]: t for t in self.tables}
        self.bucket_index = {b["name"]: b for b in self.buckets}

    def resource_count(self):
        return (len(self.buckets) + len(self.db_instances) + len(self.db_clusters) +
                len(self.tables) + len(self.redshift) + len(self.distributions))


# --------------------------------------------------------------------------------------------
# Wire formats
# --------------------------------------------------------------------------------------------
def xml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return escape(str(v))


def query_response(action, namespace, inner):
    return (f'<?xml version="1.0"?><{action}Response xmlns="{namespace}">'
            f"<{action}Result>{inner}</{action}Result>"
            f"<ResponseMetadata><RequestId>sim</RequestId></ResponseMetadata></{action}Response>")


def page(items, marker, limit):
    start = int(marker) if marker else 0
    end = start + limit
    nxt = str(end) if end < len(items) else None
    return items[start:end], nxt


class Answer:
    def __init__(self, status, body, content_type="text/xml", headers=None):
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.content_type = content_type
        self.headers = headers or {}


def xml(body, status=200, headers=None):
    return Answer(status, body, "text/xml", headers)


def js(doc, status=200, content_type="application/x-amz-json-1.1"):
    return Answer(status, json.dumps(doc), content_type)


# Bucket sub-resources → operation; reads the checks make per bucket.
S3_SUBRESOURCES = (
    ("encryption", "GetBucketEncryption"), ("location", "GetBucketLocation"),
    ("versioning", "GetBucketVersioning"), ("lifecycle", "GetBucketLifecycleConfiguration"),
    ("object-lock", "GetObjectLockConfiguration"), ("replication", "GetBucketReplication"),
    ("publicAccessBlock", "GetPublicAccessBlock"), ("policyStatus", "GetBucketPolicyStatus"),
    ("policy", "GetBucketPolicy"), ("logging", "GetBucketLogging"),
    ("notification", "GetBucketNotificationConfiguration"), ("acl", "GetBucketAcl"),
)

# What S3 answers for a bucket without the feature configured.
S3_NOT_CONFIGURED = {
    "GetBucketLifecycleConfiguration": (404, "NoSuchLifecycleConfiguration"),
    "GetObjectLockConfiguration": (404, "ObjectLockConfigurationNotFoundError"),
    "GetBucketReplication": (404, "ReplicationConfigurationNotFoundError"),
    "GetPublicAccessBlock": (404, "NoSuchPublicAccessBlockConfiguration"),
    "GetBucketPolicy": (404, "NoSuchBucketPolicy"),
    "GetBucketPolicyStatus": (404, "NoSuchBucketPolicy"),
}
S3_EMPTY_DOCUMENTS = {
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
}


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------
def member_id(i):
    """The i-th member account (1-based) of --org-accounts."""
    return str(200000000000 + i)


def key_account(headers):
    """The 12 digits of an access key ASIA<12 digits>... in the Authorization header, or None."""
    auth = headers.get("authorization", "")
    if "Credential=" not in auth:
        return None
    key = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[0]
    digits = key[4:16]
    if key.startswith("ASIA") and len(digits) == 12 and all("0" <= c <= "9" for c in digits):
        return digits
    return None


class Simulator:
    def __init__(self, account, latency_ms, rate, rates, org_accounts=0):
        self.account = account
        self.org_accounts = org_accounts
        # The Organization: the management account (ACCOUNT) first, then the members.
        self.org = ([ACCOUNT] + [member_id(i) for i in range(1, org_accounts + 1)]
                    if org_accounts > 0 else [])
        self.org_set = set(self.org)
        self.headers = {}
        self.latency = latency_ms / 1000.0
        self.default_rate = rate
        self.rates = rates
        self.calls = Counter()
        self.throttled = Counter()
        self.buckets_tokens = {}
        self.in_flight = 0
        self.seen = set()  # fingerprints of the reads answered, to count repeated reads
        self.repeated = 0
        self.repeated_by_op = Counter()
        self.peak_in_flight = 0

    # Token bucket per operation; capacity of one second's worth.
    def allow(self, op):
        rate = self.rates.get(op, self.default_rate)
        if rate <= 0:
            return True
        now = time.monotonic()
        tokens, last = self.buckets_tokens.get(op, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)
        if tokens < 1:
            self.buckets_tokens[op] = (tokens, now)
            return False
        self.buckets_tokens[op] = (tokens - 1, now)
        return True

    def stats(self):
        return {
            "calls": dict(self.calls),
            "throttled": dict(self.throttled),
            "total_calls": sum(self.calls.values()),
            "total_throttled": sum(self.throttled.values()),
            "peak_in_flight": self.peak_in_flight,
            "distinct_reads": len(self.seen),
            "repeated_reads": self.repeated,
            "repeated_by_operation": dict(self.repeated_by_op),
            "resources": self.account.resource_count(),
        }

    # ---- classification -------------------------------------------------------------------
    @staticmethod
    def service_of(headers):
        auth = headers.get("authorization", "")
        # Credential=AKID/20250101/us-east-1/s3/aws4_request
        if "Credential=" in auth:
            scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
            if len(scope) >= 4:
                return scope[3]
        return ""

    def classify(self, method, path, query, headers, body):
        service = self.service_of(headers)
        target = headers.get("x-amz-target", "")
        if target:
            return service, target.split(".", 1)[-1], json.loads(body or b"{}")
        if service not in QUERY_SERVICES:  # rest-json: the path names the operation
            return service, f"{method} {path}", {}
        if service in ("s3",):
            return service, self.s3_operation(method, path, query), {}
        if service == "cloudfront":
            if path.endswith("/distribution"):
                return service, "ListDistributions", {}
            if path.endswith("/config"):
                return service, "GetDistributionConfig", {}
            return service, "GetDistribution", {}
        form = dict(urllib.parse.parse_qsl(body.decode()))
        form.update(query)
        return service, form.get("Action", "Unknown"), form

    @staticmethod
    def s3_operation(method, path, query):
        parts = [p for p in path.split("/") if p]
        if not parts:
            return "ListBuckets"
        if method == "HEAD":
            return "HeadBucket"
        for key, op in S3_SUBRESOURCES:
            if key in query:
                return op
        return "Unknown"

    def throttle_answer(self, service, op):
        if service in ("dynamodb", "organizations", "sso", "config", "sso-admin"):
            return js({"__type": "com.amazonaws#ThrottlingException", "message": "Rate exceeded"},
                      400, "application/x-amz-json-1.0")
        if service == "s3":
            return xml("<Error><Code>SlowDown</Code><Message>Please reduce your request rate."
                       "</Message></Error>", 503)
        if service == "ec2":
            return xml("<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>"
                       "Request limit exceeded.</Message></Error></Errors></Response>", 503)
        return xml("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>"
                   "Rate exceeded</Message></Error></ErrorResponse>", 400)

    # ---- answers ----------------------------------------------------------------------------
    def answer(self, service, op, params, path, query, json_protocol, headers=None):
        self.headers = headers or {}
        name = f"op_{service.replace('-', '_')}_{op}"
        handler = getattr(self, name, None)
        if name in ORG_HANDLERS and self.org_accounts <= 0:
            handler = None
        if handler is not None:
            return handler(params, path, query)
        return self.feature_not_used(service, op, path, json_protocol)

    def feature_not_used(self, service, op, path, json_protocol):
        """Every other read answers as an account that does not use the feature: an empty but
        well-formed document in the service's protocol, or S3's "not configured" errors."""
        if service == "s3":
            if not self.bucket_of(path):
                return self.no_bucket()
            if op in S3_NOT_CONFIGURED:
                status, code = S3_NOT_CONFIGURED[op]
                return xml(f"<Error><Code>{code}</Code><Message>not configured</Message></Error>",
                           status)
            if op in S3_EMPTY_DOCUMENTS:
                root = S3_EMPTY_DOCUMENTS[op]
                return xml(f'<{root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')
        if json_protocol or service not in QUERY_SERVICES:
            return js({}, content_type="application/json")
        if service == "ec2":
            return xml(f'<{op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                       f"<requestId>sim</requestId></{op}Response>")
        return xml(query_response(op, "https://sim.amazonaws.com/", ""))

    def op_sts_GetCallerIdentity(self, *_):
        account = key_account(self.headers) if self.org_accounts > 0 else None
        if account is not None:  # credentials of an assumed role (AssumeRole below)
            return xml(query_response(
                "GetCallerIdentity", STS_NS,
                f"<Arn>arn:aws:sts::{account}:assumed-role/DSPMAuditRole/bench</Arn>"
                f"<UserId>AROABENCH:bench</UserId><Account>{account}</Account>"))
        return xml(query_response(
            "GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
            f"<Arn>arn:aws:iam::{ACCOUNT}:user/bench</Arn><UserId>AIDABENCH</UserId>"
            f"<Account>{ACCOUNT}</Account>"))

    def op_sts_AssumeRole(self, params, *_):
        """Credentials for a role of an account of the Organization (--org-accounts): the access
        key names the account (ASIA + its 12 digits), so GetCallerIdentity can answer it."""
        arn = params.get("RoleArn", "")
        session = params.get("RoleSessionName", "")
        parts = arn.split(":", 5)
        account = parts[4] if len(parts) == 6 and parts[:3] == ["arn", "aws", "iam"] else ""
        resource = parts[5] if len(parts) == 6 else ""
        if account not in self.org_set or not resource.startswith("role/"):
            return xml(f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>'
                       "<Code>AccessDenied</Code><Message>User: arn:aws:iam::"
                       f"{ACCOUNT}:user/bench is not authorized to perform: sts:AssumeRole on "
                       f"resource: {escape(arn)}</Message></Error><RequestId>sim</RequestId>"
                       "</ErrorResponse>", 403)
        role = resource.rsplit("/", 1)[1]
        expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(time.time()) + 3600))
        return xml(f'<AssumeRoleResponse xmlns="{STS_NS}"><AssumeRoleResult><Credentials>'
                   f"<AccessKeyId>ASIA{account}</AccessKeyId>"
                   "<SecretAccessKey>benchsecret</SecretAccessKey>"
                   f"<SessionToken>benchtoken-{account}</SessionToken>"
                   f"<Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser>"
                   f"<AssumedRoleId>AROABENCH:{escape(session)}</AssumedRoleId>"
                   f"<Arn>arn:aws:sts::{account}:assumed-role/{escape(role)}/{escape(session)}"
                   "</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>sim"
                   "</RequestId></ResponseMetadata></AssumeRoleResponse>")

    def op_organizations_ListAccounts(self, params, *_):
        """The Organization's accounts, botocore's paginator: NextToken in, NextToken out."""
        limit = min(int(params.get("MaxResults", ORG_PAGE)), ORG_PAGE)
        ids, nxt = page(self.org, params.get("NextToken"), limit)
        accounts = [{
            "Id": i, "Arn": f"arn:aws:organizations::{ACCOUNT}:account/o-bench/{i}",
            "Email": f"bench+{i}@example.com",
            "Name": "management" if i == ACCOUNT else f"member-{i}",
            "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED",
            "JoinedTimestamp": 1700000000} for i in ids]
        doc = {"Accounts": accounts}
        if nxt:
            doc["NextToken"] = nxt
        return js(doc)

    def op_ec2_DescribeRegions(self, *_):
        return xml('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                   "<requestId>sim</requestId><regionInfo><item><regionName>us-east-1</regionName>"
                   "<regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>"
                   "<optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"
                   "</DescribeRegionsResponse>")

    def op_iam_GetAccountSummary(self, *_):
        entries = "".join(f"<entry><key>{k}</key><value>{v}</value></entry>"
                          for k, v in (("AccountMFAEnabled", 1), ("Users", 3), ("Policies", 5)))
        return xml(query_response("GetAccountSummary", "https://iam.amazonaws.com/doc/2010-05-08/",
                                  f"<SummaryMap>{entries}</SummaryMap>"))

    # S3
    def op_s3_ListBuckets(self, *_):
        items = "".join(f"<Bucket><Name>{b['name']}</Name><CreationDate>2024-01-01T00:00:00.000Z"
                        f"</CreationDate></Bucket>" for b in self.account.buckets)
        return xml('<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                   f"<Owner><ID>bench</ID></Owner><Buckets>{items}</Buckets>"
                   "</ListAllMyBucketsResult>")

    def bucket_of(self, path):
        parts = [p for p in path.split("/") if p]
        return self.account.bucket_index.get(urllib.parse.unquote(parts[0])) if parts else None

    def no_bucket(self):
        return xml("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
                   "</Message></Error>", 404)

    def op_s3_HeadBucket(self, _params, path, _query):
        if not self.bucket_of(path):
            return Answer(404, b"")
        return Answer(200, b"", headers={"x-amz-bucket-region": REGION})

    def op_s3_GetBucketLocation(self, _params, path, _query):
        if not self.bucket_of(path):
            return self.no_bucket()
        return xml('<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')

    def op_s3_GetBucketEncryption(self, _params, path, _query):
        bucket = self.bucket_of(path)
        if not bucket:
            return self.no_bucket()
        if bucket["sse"] is None:
            return xml("<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>"
                       "The server side encryption configuration was not found</Message></Error>",
                       404)
        key = ("<KMSMasterKeyID>arn:aws:kms:us-east-1:123456789012:key/bench</KMSMasterKeyID>"
               if bucket["sse"].startswith("aws:kms") else "")
        return xml('<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                   f"<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>{bucket['sse']}"
                   f"</SSEAlgorithm>{key}</ApplyServerSideEncryptionByDefault>"
                   "<BucketKeyEnabled>false</BucketKeyEnabled></Rule>"
                   "</ServerSideEncryptionConfiguration>", headers={"x-amz-bucket-region": REGION})

    # RDS
    def op_rds_DescribeDBInstances(self, params, *_):
        items, nxt = page(self.account.db_instances, params.get("Marker"),
                          int(params.get("MaxRecords", 100)))
        body = "".join(f"<DBInstance><DBInstanceIdentifier>{d['id']}</DBInstanceIdentifier>"
                       f"<DBInstanceArn>arn:aws:rds:us-east-1:{ACCOUNT}:db:{d['id']}</DBInstanceArn>"
                       "<Engine>postgres</Engine><DBInstanceStatus>available</DBInstanceStatus>"
                       f"<StorageEncrypted>{xml_value(d['encrypted'])}</StorageEncrypted>"
                       f"<BackupRetentionPeriod>{7 if d['encrypted'] else 1}"
                       f"</BackupRetentionPeriod><MultiAZ>{xml_value(d['encrypted'])}</MultiAZ>"
                       "</DBInstance>" for d in items)
        marker = f"<Marker>{nxt}</Marker>" if nxt else ""
        return xml(query_response("DescribeDBInstances", "http://rds.amazonaws.com/doc/2014-10-31/",
                                  f"<DBInstances>{body}</DBInstances>{marker}"))

    def op_rds_DescribeDBClusters(self, params, *_):
        items, nxt = page(self.account.db_clusters, params.get("Marker"),
                          int(params.get("MaxRecords", 100)))
        body = "".join(f"<DBCluster><DBClusterIdentifier>{d['id']}</DBClusterIdentifier>"
                       f"<DBClusterArn>arn:aws:rds:us-east-1:{ACCOUNT}:cluster:{d['id']}"
                       "</DBClusterArn><Engine>aurora-postgresql</Engine>"
                       f"<StorageEncrypted>{xml_value(d['encrypted'])}</StorageEncrypted>"
                       "</DBCluster>" for d in items)
        marker = f"<Marker>{nxt}</Marker>" if nxt else ""
        return xml(query_response("DescribeDBClusters", "http://rds.amazonaws.com/doc/2014-10-31/",
                                  f"<DBClusters>{body}</DBClusters>{marker}"))

    # Redshift
    def op_redshift_DescribeClusters(self, params, *_):
        items, nxt = page(self.account.redshift, params.get("Marker"),
                          int(params.get("MaxRecords", 100)))
        body = "".join(f"<Cluster><ClusterIdentifier>{c['id']}</ClusterIdentifier>"
                       "<ClusterStatus>available</ClusterStatus>"
                       f"<Encrypted>{xml_value(c['encrypted'])}</Encrypted></Cluster>"
                       for c in items)
        marker = f"<Marker>{nxt}</Marker>" if nxt else ""
        return xml(query_response("DescribeClusters", "http://redshift.amazonaws.com/doc/2012-12-01/",
                                  f"<Clusters>{body}</Clusters>{marker}"))

    # DynamoDB
    def op_dynamodb_ListTables(self, params, *_):
        names = [t["name"] for t in self.account.tables]
        start = 0
        if params.get("ExclusiveStartTableName"):
            start = names.index(params["ExclusiveStartTableName"]) + 1
        limit = int(params.get("Limit", 100))
        chunk = names[start:start + limit]
        doc = {"TableNames": chunk}
        if start + limit < len(names):
            doc["LastEvaluatedTableName"] = chunk[-1]
        return js(doc, content_type="application/x-amz-json-1.0")

    def op_dynamodb_DescribeTable(self, params, *_):
        table = self.account.table_index.get(params.get("TableName", ""))
        if not table:
            return js({"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                       "message": "Requested resource not found"}, 400,
                      "application/x-amz-json-1.0")
        doc = {"TableName": table["name"], "TableStatus": "ACTIVE",
               "TableArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table['name']}"}
        if table["kms"]:
            doc["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS",
                                     "KMSMasterKeyArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/b"}
        return js({"Table": doc}, content_type="application/x-amz-json-1.0")

    # CloudFront
    def op_cloudfront_ListDistributions(self, _params, _path, query):
        items, nxt = page(self.account.distributions, query.get("Marker"),
                          int(query.get("MaxItems", 100)))
        body = "".join(
            f"<DistributionSummary><Id>{d['id']}</Id><ARN>arn:aws:cloudfront::{ACCOUNT}:"
            f"distribution/{d['id']}</ARN><Status>Deployed</Status><DomainName>{d['id'].lower()}"
            ".cloudfront.net</DomainName><Enabled>true</Enabled>"
            "<DefaultCacheBehavior><TargetOriginId>origin</TargetOriginId>"
            f"<ViewerProtocolPolicy>{d['policy']}</ViewerProtocolPolicy></DefaultCacheBehavior>"
            "<CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior>"
            "<PathPattern>/static/*</PathPattern><TargetOriginId>origin</TargetOriginId>"
            "<ViewerProtocolPolicy>https-only</ViewerProtocolPolicy></CacheBehavior></Items>"
            "</CacheBehaviors></DistributionSummary>" for d in items)
        truncated = "true" if nxt else "false"
        next_marker = f"<NextMarker>{nxt}</NextMarker>" if nxt else ""
        return xml('<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
                   f"<Marker>{query.get('Marker', '')}</Marker>{next_marker}"
                   f"<MaxItems>{query.get('MaxItems', 100)}</MaxItems><IsTruncated>{truncated}"
                   f"</IsTruncated><Quantity>{len(items)}</Quantity><Items>{body}</Items>"
                   "</DistributionList>")

    def distribution_of(self, path):
        parts = [p for p in path.split("/") if p]
        ident = parts[2] if len(parts) >= 3 else ""
        for d in self.account.distributions:
            if d["id"] == ident:
                return d
        return None

    def op_cloudfront_GetDistributionConfig(self, _params, path, _query):
        d = self.distribution_of(path)
        if not d:
            return xml("<ErrorResponse><Error><Code>NoSuchDistribution</Code><Message>none"
                       "</Message></Error></ErrorResponse>", 404)
        return xml('<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
                   "<CallerReference>bench</CallerReference><Origins><Quantity>1</Quantity><Items>"
                   "<Origin><Id>origin</Id><DomainName>bench.s3.amazonaws.com</DomainName>"
                   "<OriginAccessControlId></OriginAccessControlId></Origin></Items></Origins>"
                   "<DefaultCacheBehavior><TargetOriginId>origin</TargetOriginId>"
                   f"<ViewerProtocolPolicy>{d['policy']}</ViewerProtocolPolicy>"
                   "</DefaultCacheBehavior><CacheBehaviors><Quantity>1</Quantity><Items>"
                   "<CacheBehavior><PathPattern>/static/*</PathPattern><TargetOriginId>origin"
                   "</TargetOriginId><ViewerProtocolPolicy>https-only</ViewerProtocolPolicy>"
                   "</CacheBehavior></Items></CacheBehaviors><Comment></Comment>"
                   "<Logging><Enabled>false</Enabled><IncludeCookies>false</IncludeCookies>"
                   "<Bucket></Bucket><Prefix></Prefix></Logging><Enabled>true</Enabled>"
                   "</DistributionConfig>", headers={"ETag": "E1"})

    # Identity Center (JSON 1.1)
    def op_sso_ListInstances(self, *_):
        return js({"Instances": [{"InstanceArn": "arn:aws:sso:::instance/ssoins-bench",
                                  "IdentityStoreId": "d-bench", "Status": "ACTIVE"}]})

    def op_sso_ListPermissionSets(self, *_):
        return js({"PermissionSets": [f"arn:aws:sso:::permissionSet/ssoins-bench/ps-{i}"
                                      for i in range(5)]})

    def op_sso_DescribePermissionSet(self, params, *_):
        arn = params.get("PermissionSetArn", "")
        return js({"PermissionSet": {"Name": "ReadOnly-" + arn.rsplit("-", 1)[-1],
                                     "PermissionSetArn": arn}})

    def op_sso_ListManagedPoliciesInPermissionSet(self, *_):
        return js({"AttachedManagedPolicies": [
            {"Name": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})

    def op_sso_GetInlinePolicyForPermissionSet(self, *_):
        return js({"InlinePolicy": ""})

    # Organizations (JSON 1.1)
    def op_organizations_DescribeOrganization(self, *_):
        return js({"Organization": {"Id": "o-bench", "MasterAccountId": ACCOUNT,
                                    "FeatureSet": "ALL",
                                    "Arn": f"arn:aws:organizations::{ACCOUNT}:organization/o-bench"}})

    def op_organizations_ListRoots(self, *_):
        return js({"Roots": [{"Id": "r-bench", "Name": "Root",
                              "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY",
                                               "Status": "ENABLED"}]}]})

    def op_organizations_ListPolicies(self, *_):
        return js({"Policies": [
            {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "AwsManaged": True,
             "Type": "SERVICE_CONTROL_POLICY"},
            {"Id": "p-denyregions", "Name": "DenyOtherRegions", "AwsManaged": False,
             "Type": "SERVICE_CONTROL_POLICY"}]})

    def op_organizations_ListTargetsForPolicy(self, *_):
        return js({"Targets": [{"TargetId": "r-bench", "Name": "Root", "Type": "ROOT",
                                "Arn": f"arn:aws:organizations::{ACCOUNT}:root/o-bench/r-bench"}]})

    def op_organizations_ListPoliciesForTarget(self, *_):
        return self.op_organizations_ListPolicies()

    # Config (JSON 1.1)
    def op_config_DescribeConformancePacks(self, *_):
        return js({"ConformancePackDetails": [{"ConformancePackName": "kisms",
                                               "ConformancePackArn": "arn:aws:config:pack/kisms",
                                               "ConformancePackId": "conformance-pack-bench"}]})

    def op_config_DescribeConformancePackStatus(self, *_):
        return js({"ConformancePackStatusDetails": [
            {"ConformancePackName": "kisms", "ConformancePackId": "conformance-pack-bench",
             "ConformancePackArn": "arn:aws:config:pack/kisms",
             "ConformancePackState": "CREATE_COMPLETE", "StackArn": "arn:aws:cloudformation:s",
             "LastUpdateRequestedTime": 1700000000}]})

    def op_config_DescribeConfigurationRecorders(self, *_):
        return js({"ConfigurationRecorders": [{"name": "default", "roleARN": "arn:aws:iam::r"}]})

    def op_config_DescribeConfigurationRecorderStatus(self, *_):
        return js({"ConfigurationRecordersStatus": [{"name": "default", "recording": True,
                                                     "lastStatus": "SUCCESS"}]})


# --------------------------------------------------------------------------------------------
# HTTP/1.1 server with keep-alive
# --------------------------------------------------------------------------------------------
async def handle(sim, reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0"))
            body = await reader.readexactly(length) if length else b""
            url = urllib.parse.urlsplit(target)
            query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            answer = await dispatch(sim, method, url.path, query, headers, body)
            extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
            writer.write((f"HTTP/1.1 {answer.status} X\r\nContent-Type: {answer.content_type}\r\n"
                          f"Content-Length: {len(answer.body)}\r\n{extra}"
                          "x-amzn-RequestId: sim\r\n\r\n").encode() +
                         (b"" if method == "HEAD" else answer.body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def dispatch(sim, method, path, query, headers, body):
    if path == "/_sim/stats":
        return js(sim.stats(), content_type="application/json")
    if path == "/_sim/reset":
        sim.calls.clear()
        sim.throttled.clear()
        sim.seen.clear()
        sim.repeated = 0
        sim.repeated_by_op.clear()
        sim.peak_in_flight = 0
        return js({"reset": True}, content_type="application/json")
    sim.in_flight += 1
    sim.peak_in_flight = max(sim.peak_in_flight, sim.in_flight)
    try:
        service, op, params = sim.classify(method, path, query, headers, body)
        await asyncio.sleep(sim.latency)
        key = f"{service}:{op}"
        if not sim.allow(key):
            sim.throttled[key] += 1
            return sim.throttle_answer(service, op)
        sim.calls[key] += 1
        # Pages of one listing differ by their token, so they are distinct reads.
        fingerprint = (key, method, path, tuple(sorted(query.items())), body)
        if fingerprint in sim.seen:
            sim.repeated += 1
            sim.repeated_by_op[key] += 1
        sim.seen.add(fingerprint)
        json_protocol = "x-amz-target" in headers
        return sim.answer(service, op, params, path, query, json_protocol, headers)
    finally:
        sim.in_flight -= 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size", type=int, default=100, help="number of resources")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=0,
                        help="allowed requests/s per operation (0: unlimited)")
    parser.add_argument("--op-rate", action="append", default=[],
                        help="SERVICE:Operation=RATE, overrides --rate for one operation")
    parser.add_argument("--org-accounts", type=int, default=0,
                        help="an Organization of this many member accounts besides this one "
                             "(ListAccounts, AssumeRole, GetCallerIdentity; 0: none)")
    args = parser.parse_args()
    rates = {}
    for spec in args.op_rate:
        key, value = spec.rsplit("=", 1)
        rates[key] = float(value)
    sim = Simulator(Account(args.size), args.latency_ms, args.rate, rates, args.org_accounts)

    async def serve():
        server = await asyncio.start_server(lambda r, w: handle(sim, r, w), "127.0.0.1",
                                            args.port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
