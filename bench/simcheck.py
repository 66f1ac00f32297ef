#!/usr/bin/env python3
"""Equivalence check of the two benchmark simulators: bench/awssim.py and the compiled awssim.

Starts both on free loopback ports with the same flags, sends every request to both (each over its
own keep-alive connection) and requires the same raw answer: status line, headers and body, byte
for byte (JSON included: the compiled one writes json.dumps()'s spacing and key order), or the
connection closed by both where awssim.py's handler raises. Covers every operation awssim.py
answers and its fallbacks, pagination to the last page, S3's not-configured sub-resources,
JSON-protocol and query-protocol calls, odd HTTP (pipelining, HEAD, malformed heads, absolute
targets, latin-1 and percent-encoded bytes), seeded random parameters, throttling at a low --rate,
peak_in_flight under concurrent connections, /_sim/stats and /_sim/reset after fixed sequences, and
--org-accounts (ListAccounts pages, AssumeRole, GetCallerIdentity of assumed-role keys; AssumeRole's
<Expiration>, one hour from the answer's second, is compared with its digits masked).

Usage: python3 bench/simcheck.py [--binary build/bench/awssim] [--sizes 1,300,1000]
"""
import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLOSED = "<connection closed>"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def req(service=None, method="GET", target="/", body=b"", headers=(), amz_target=None):
    """One raw request; target and headers may carry latin-1 characters."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    if service is not None:
        lines.append("Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20250101/us-east-1/"
                     f"{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
    if amz_target is not None:
        lines.append(f"X-Amz-Target: {amz_target}")
    lines += list(headers)
    if isinstance(body, str):
        body = body.encode()
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def query(service, action, params="", target="/"):
    body = f"Action={action}&Version=2010-01-01" + (f"&{params}" if params else "")
    return req(service, "POST", target, body,
               headers=["Content-Type: application/x-www-form-urlencoded; charset=utf-8"])


def jsonrpc(service, target, doc, raw=None, content_type="application/x-amz-json-1.1"):
    body = raw if raw is not None else json.dumps(doc).encode()
    return req(service, "POST", "/", body, amz_target=target,
               headers=[f"Content-Type: {content_type}"])


class Conn:
    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buf = b""

    def open(self):
        self.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        self.buf = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def send(self, data):
        if self.sock is None:
            self.open()
        try:
            self.sock.sendall(data)
        except OSError:
            pass  # closed while sending (a head over the limit): the read says so

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise EOFError
        self.buf += chunk

    def read(self, head_only=False):
        """One raw answer, or CLOSED (then the connection is dropped)."""
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
            end = self.buf.index(b"\r\n\r\n") + 4
            head = self.buf[:end]
            m = re.search(rb"\r\nContent-Length: (\d+)\r\n", head)
            length = 0 if head_only or not m else int(m.group(1))
            while len(self.buf) < end + length:
                self._fill()
            answer = self.buf[:end + length]
            self.buf = self.buf[end + length:]
            return answer
        except EOFError:
            self.close()
            return CLOSED


class Pair:
    """The two simulators in lockstep: every request goes to both, their answers must match."""

    def __init__(self, label, ports):
        self.label = label
        self.conns = [Conn(p) for p in ports]
        self.count = 0
        self.closed = 0
        self.failures = []

    def check_many(self, requests, heads=None, name=""):
        heads = heads or [False] * len(requests)
        data = b"".join(requests)
        for c in self.conns:
            c.send(data)
        results = []
        for c in self.conns:
            got = []
            for h in heads:
                got.append(c.read(h))
                if got[-1] == CLOSED:
                    break
            results.append(got)
        self.count += len(requests)
        py, cpp = results
        if masked(py) != masked(cpp):
            self.failures.append((name or requests[0][:200], py, cpp))
            for c in self.conns:
                c.close()
        else:
            self.closed += sum(1 for a in py if a == CLOSED)
        return py

    def check(self, request, head=False, name=""):
        answers = self.check_many([request], [head], name)
        return answers[0] if answers else CLOSED

    def fresh(self):
        for c in self.conns:
            c.open()


def masked(answers):
    """AssumeRole's Expiration is the clock's: its digits may differ by a second between the two."""
    return [a if a == CLOSED else re.sub(rb"<Expiration>[0-9TZ:-]*</Expiration>",
                                         b"<Expiration>-</Expiration>", a) for a in answers]


def body_of(answer):
    return b"" if answer == CLOSED else answer.split(b"\r\n\r\n", 1)[1]


# --------------------------------------------------------------------------------------------
# Request sets
# --------------------------------------------------------------------------------------------
S3_SUB = ["encryption", "location", "versioning", "lifecycle", "object-lock", "replication",
          "publicAccessBlock", "policyStatus", "policy", "logging", "notification", "acl"]


def walk_query_pages(pair, service, action, limit=None, marker_param="Marker"):
    marker, pages = None, 0
    while pages < 50:
        params = "&".join(p for p in (f"MaxRecords={limit}" if limit else "",
                                      f"{marker_param}={marker}" if marker else "") if p)
        answer = pair.check(query(service, action, params), name=f"{service} {action} {params}")
        pages += 1
        m = re.search(rb"<Marker>([^<]*)</Marker>", body_of(answer))
        if not m:
            return pages
        marker = m.group(1).decode()
    return pages


def walk_tables(pair, limit=None):
    start, pages = None, 0
    while pages < 50:
        doc = {}
        if limit is not None:
            doc["Limit"] = limit
        if start:
            doc["ExclusiveStartTableName"] = start
        answer = pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.ListTables", doc,
                                    content_type="application/x-amz-json-1.0"),
                            name=f"ListTables {doc}")
        pages += 1
        if answer == CLOSED:
            return pages
        start = json.loads(body_of(answer)).get("LastEvaluatedTableName")
        if not start:
            return pages
    return pages


def walk_distributions(pair, max_items=None):
    marker, pages = None, 0
    while pages < 50:
        q = "&".join(p for p in (f"MaxItems={max_items}" if max_items else "",
                                 f"Marker={marker}" if marker else "") if p)
        answer = pair.check(req("cloudfront", "GET", "/2020-05-31/distribution" + ("?" + q if q else "")),
                            name=f"ListDistributions {q}")
        pages += 1
        m = re.search(rb"<NextMarker>([^<]*)</NextMarker>", body_of(answer))
        if not m:
            return pages
        marker = m.group(1).decode()
    return pages


def operations(pair, size):
    """Every operation awssim.py has a handler for, and the fallbacks around them."""
    n_s3 = max(1, int(size * 0.4))
    stats = req(None, "GET", "/_sim/stats")
    pair.check(req(None, "POST", "/_sim/reset"), name="reset")
    # STS, EC2, IAM and the query-protocol fallbacks
    pair.check(query("sts", "GetCallerIdentity"))
    pair.check(query("ec2", "DescribeRegions"))
    pair.check(query("ec2", "DescribeVpcs"))
    pair.check(req("ec2", "POST", "/", b"Version=2016-11-15"), name="ec2 without Action")
    pair.check(query("iam", "GetAccountSummary"))
    pair.check(query("iam", "ListUsers"))
    for service, action in (("sns", "ListTopics"), ("sqs", "ListQueues"),
                            ("elasticache", "DescribeCacheClusters"),
                            ("cloudformation", "DescribeStacks"),
                            ("autoscaling", "DescribeAutoScalingGroups"),
                            ("elasticloadbalancing", "DescribeLoadBalancers"),
                            ("cloudwatch", "DescribeAlarms"), ("rds", "DescribeDBSnapshots"),
                            ("redshift", "DescribeLoggingStatus")):
        pair.check(query(service, action))
    # the Action in the URL wins over the body's; GET with the query only
    pair.check(query("iam", "ListRoles", target="/?Action=GetAccountSummary"))
    pair.check(req("iam", "GET", "/?Action=GetAccountSummary&Version=2010-05-08"))
    # S3
    pair.check(req("s3", "GET", "/"), name="ListBuckets")
    pair.check(req("s3", "HEAD", "/"), head=True, name="HEAD / (ListBuckets, no body)")
    buckets = [0, 1, 2, 3, 17, 18, 35, n_s3 - 1, n_s3, 99999]
    for i in buckets:
        b = f"bench-bucket-{i:05d}"
        pair.check(req("s3", "HEAD", f"/{b}"), head=True, name=f"HeadBucket {b}")
        for sub in S3_SUB:
            pair.check(req("s3", "GET", f"/{b}?{sub}"), name=f"{b}?{sub}")
        pair.check(req("s3", "GET", f"/{b}"), name=f"{b} without sub-resource")
    pair.check(req("s3", "GET", "/bench%2Dbucket%2D00001?encryption"), name="escaped bucket name")
    pair.check(req("s3", "GET", "/bench-bucket-00002/some/key?acl"))
    pair.check(req("s3", "GET", "/bench-bucket-00002?policy&policyStatus"))
    pair.check(req("s3", "GET", "/bench-bucket-00002?versioning="))
    pair.check(req("s3", "PUT", "/bench-bucket-00002?encryption", b"<x/>"))
    pair.check(req("s3", "POST", "/bench-bucket-00002", amz_target="S3.GetBucketAcl"),
               name="s3 with a target (JSON protocol)")
    pair.check(req("s3", "POST", "/nope", amz_target="S3.GetBucketLogging"))
    pair.check(req("s3", "POST", "/bench-bucket-00002", amz_target="S3.GetBucketLogging"))
    # RDS and Redshift pages
    for action in ("DescribeDBInstances", "DescribeDBClusters"):
        walk_query_pages(pair, "rds", action)
        walk_query_pages(pair, "rds", action, limit=7)
    walk_query_pages(pair, "redshift", "DescribeClusters")
    walk_query_pages(pair, "redshift", "DescribeClusters", limit=9)
    for params in ("Marker=-5", "Marker=", "MaxRecords=0&Marker=3", "MaxRecords=-2",
                   "MaxRecords=%201_0%20&Marker=+2", "MaxRecords=abc", "Marker=1__0",
                   "MaxRecords=5&Marker=100000", "MaxRecords=3&Marker=-100000",
                   "MaxRecords=%C2%A05", "Marker=99999999999999999999999999"):
        pair.check(query("rds", "DescribeDBInstances", params), name=f"rds {params}")
        pair.check(query("redshift", "DescribeClusters", params), name=f"redshift {params}")
    pair.check(query("rds", "DescribeDBInstances", "Marker=5",
                     target="/?Marker=10&MaxRecords=4"), name="query string over body")
    # the JSON protocol for a query service
    pair.check(jsonrpc("rds", "AmazonRDSv19.DescribeDBInstances", {"MaxRecords": 5, "Marker": "5"}))
    pair.check(jsonrpc("rds", "AmazonRDSv19.DescribeDBClusters", {"MaxRecords": 2.9, "Marker": 1}))
    pair.check(jsonrpc("redshift", "RedshiftServiceVersion20121201.DescribeClusters", [1, 2]))
    pair.check(jsonrpc("ec2", "AmazonEC2.DescribeVpcs", {}))
    pair.check(jsonrpc("iam", "X.GetAccountSummary", {}))
    pair.check(req("iam", "POST", "/", b"Action=ListUsers", amz_target=""),
               name="empty X-Amz-Target: form, but the JSON fallback")
    pair.check(req("iam", "POST", "/", b"Action=GetAccountSummary", amz_target=""))
    pair.check(jsonrpc("dynamodb", "NoDotListTables", {}))
    # DynamoDB
    walk_tables(pair)
    walk_tables(pair, limit=13)
    for doc in ({"Limit": "7"}, {"Limit": 2.9}, {"Limit": True}, {"Limit": -1},
                {"Limit": 0}, {"Limit": None}, {"Limit": [1]}, {"ExclusiveStartTableName": "nope"},
                {"ExclusiveStartTableName": ""}, {"ExclusiveStartTableName": 0},
                {"ExclusiveStartTableName": 3}, {"ExclusiveStartTableName": "bench-table-00000",
                                                  "Limit": 1e30}):
        pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.ListTables", doc), name=f"ListTables {doc}")
    for raw in (b"", b"null", b"[]", b"{", b"\xef\xbb\xbf{}", b" {} ", b"{\"Limit\": 1e400}",
                b"{\"Limit\": 3, \"Limit\": 4}", b"\xff"):
        pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.ListTables", None, raw=raw),
                   name=f"ListTables raw {raw!r}")
    for name in ("bench-table-00000", "bench-table-00001", "bench-table-00002", "nope", 5, None,
                 True, [1], {"a": 1}):
        pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": name}),
                   name=f"DescribeTable {name!r}")
    pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.DescribeTable", {}))
    pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.ListBackups", {}))
    pair.check(jsonrpc("dynamodb", "DynamoDB_20120810.DescribeContinuousBackups",
                       {"TableName": "bench-table-00001"}))
    # CloudFront
    walk_distributions(pair)
    walk_distributions(pair, max_items=7)
    for q in ("MaxItems=%205", "Marker=abc", "Marker=", "MaxItems=0", "MaxItems=2&Marker=-3",
              "MaxItems=1_0", "Marker=2#frag"):
        pair.check(req("cloudfront", "GET", f"/2020-05-31/distribution?{q}"), name=f"cf {q}")
    for ident in ("E0000000000000", "E0000000000001", "E9999999999999", ""):
        pair.check(req("cloudfront", "GET", f"/2020-05-31/distribution/{ident}/config"))
        pair.check(req("cloudfront", "GET", f"/2020-05-31/distribution/{ident}"))
    pair.check(req("cloudfront", "GET", "/config"))
    # Identity Center, Organizations, Config (JSON 1.1)
    for op in ("ListInstances", "ListPermissionSets", "ListManagedPoliciesInPermissionSet",
               "GetInlinePolicyForPermissionSet", "ListAccountAssignments"):
        pair.check(jsonrpc("sso", f"SWBExternalService.{op}", {}))
        pair.check(jsonrpc("sso-admin", f"SWBExternalService.{op}", {}))
    for arn in ("arn:aws:sso:::permissionSet/ssoins-bench/ps-3", "caf\u00e9-\u00fc\u20ac",
                "emoji-\U0001F600", "no dash", "quote\"back\\slash\n-\x01\x7f", "", 5, None, ["a"]):
        pair.check(jsonrpc("sso", "SWBExternalService.DescribePermissionSet",
                           {"PermissionSetArn": arn}), name=f"DescribePermissionSet {arn!r}")
    pair.check(jsonrpc("sso", "SWBExternalService.DescribePermissionSet", {}))
    for op in ("DescribeOrganization", "ListRoots", "ListPolicies", "ListTargetsForPolicy",
               "ListPoliciesForTarget", "ListAccounts"):
        pair.check(jsonrpc("organizations", f"AWSOrganizationsV20161128.{op}", {}))
    for op in ("DescribeConformancePacks", "DescribeConformancePackStatus",
               "DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus",
               "DescribeConfigRules"):
        pair.check(jsonrpc("config", f"StarlingDoveService.{op}", {}))
    # rest-json services and requests without a service
    pair.check(req("lambda", "GET", "/2015-03-31/functions/"))
    pair.check(req("guardduty", "GET", "/detector?maxResults=50"))
    pair.check(req(None, "GET", "/whatever"))
    pair.check(req(None, "GET", "/x", headers=["Authorization: Credential=a/b/c"]))
    pair.check(stats, name="stats after the operations")
    # repeated reads: the same request twice, the same query in another order or spelling
    pair.check(req("s3", "GET", "/bench-bucket-00000?encryption"))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?a=1&b=2"))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?b=2&a=1"))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?x"))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?x="))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?x=1&x=2"))
    pair.check(req("lambda", "GET", "/2015-03-31/functions?x=2"))
    pair.check(stats, name="stats after repeated reads")


def odd_http(pair):
    """Heads and targets as clients should not send them, and how awssim.py takes them."""
    ok = req("s3", "GET", "/bench-bucket-00000?location")
    pair.check_many([ok, req("sts", "POST", "/", b"Action=GetCallerIdentity"), ok],
                    name="three pipelined requests")
    pair.check(req("s3", "GET", "/bench-bucket-00000?location", headers=["Connection: close"]))
    pair.check(ok, name="the connection stays open after Connection: close")
    pair.check(req(None, "HEAD", "/_sim/stats"), head=True)
    pair.check(b"GET  / HTTP/1.1\r\nAuthorization: Credential=A/B/us-east-1/s3/aws4_request\r\n\r\n",
               name="two spaces: the target is empty")
    pair.check(b"GET /x\r\n\r\n", name="no HTTP version")
    pair.check(b"GARBAGE\r\n\r\n", name="garbage")
    pair.check(b"\r\nGET / HTTP/1.1\r\n\r\n", name="empty line first")
    pair.check(b"GET /x HTTP/1.1\r\nContent-Length: -3\r\n\r\n", name="negative length")
    pair.check(b"GET /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n", name="bad length")
    pair.check(b"POST / HTTP/1.1\r\nContent-Length: 1_6\r\n"
               b"Authorization: Credential=A/B/us-east-1/sts/aws4_request\r\n\r\n"
               b"Action=GetCallerI", name="Content-Length 1_6")
    pair.check(b"POST / HTTP/1.1\r\ncontent-length:\xa0 8 \r\n"
               b"AUTHORIZATION: Credential=A/B/us-east-1/ec2/aws4_request\r\n\r\nAction=X",
               name="latin-1 space around the length, upper-case names")
    pair.check(b"GET /x HTTP/1.1\r\nAuthorization: Credential=A/B/us-east-1/iam/aws4_request\r\n"
               b"authorization: Credential=A/B/us-east-1/sts/aws4_request\r\n\r\n",
               name="the last of two Authorization headers")
    pair.check(b"GET /x HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 70000 + b"\r\n\r\n",
               name="a head over 64 KiB")
    pair.check(b"GET /x HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 65000 + b"\r\n"
               b"Authorization: Credential=A/B/us-east-1/sts/aws4_request\r\n\r\n",
               name="a head just under 64 KiB")
    pair.check(b"get / HTTP/9.9\r\nAuthorization: Credential=A/B/us-east-1/s3/aws4_request\r\n\r\n",
               name="lower-case method, odd version")
    for target in ("http://127.0.0.1:1/_sim/stats", "http://x/2020-05-31/distribution?MaxItems=3",
                   "//bench-bucket-00000?encryption", "//[::1]/bench-bucket-00000?encryption",
                   "//[::1/x", "//[1.2.3.4]/x", "//[v1.x]/bench-bucket-00000?location",
                   "//[vz.x]/x", "//[fe80::1%25eth0]/x", "/bench-bucket-00000#?encryption",
                   "\x01/bench-bucket-00000?encryption", "/bench-bucket-00000\t?location",
                   "s3:/bench-bucket-00001?encryption", "1http:/x"):
        pair.check(req("s3", "GET", target), name=f"s3 target {target!r}")
    pair.check(req("lambda", "GET", "/caf\u00e9/\u00ff?\u00e9=\u00e8"), name="latin-1 target")
    pair.check(req("iam", "GET", "/?Action=%C3%A9t%E9%ZZ+x%F0%9F%98%80%ED%A0%80%e2%82"),
               name="percent escapes that are not UTF-8")
    pair.check(req("iam", "GET", "/?Action=\u00e9%41"), name="latin-1 and an escape")
    pair.check(req("iam", "POST", "/", b"Action=\xff\xfe"), name="form body that is not UTF-8")
    pair.check(req("iam", "POST", "/", "Action=caf\u00e9%20x".encode()), name="UTF-8 form body")
    pair.check(req("iam", "POST", "/?Action=", b"Foo"), name="blank Action in the URL")
    pair.check(req("iam", "POST", "/", b"Action=&Foo&=x&&Action"), name="blank Action in the body")
    pair.check(req("ec2", "POST", "/", b"Action=<b>&x"), name="ec2 Action echoed raw")
    pair.check(req(None, "GET", "/_sim/stats"), name="stats after odd HTTP")


def fuzz(pair, seed, count):
    """Seeded random parameters through int(), unquote(), parse_qsl() and json.loads()."""
    rnd = random.Random(seed)
    num_chars = "0123456789 _+-\u00a0a."
    url_chars = "abAB09%%%+&&==;/#?\u00e9\u00ff\x7f~!$"

    def number():
        return "".join(rnd.choice(num_chars) for _ in range(rnd.randint(0, 6)))

    def url_text():
        out = []
        for _ in range(rnd.randint(0, 12)):
            if rnd.random() < 0.3:
                out.append("%" + rnd.choice("0123456789abcdefABCDEFgz") + rnd.choice("0123456789abcdefz"))
            else:
                out.append(rnd.choice(url_chars))
        return "".join(out)

    def value(depth=0):
        kind = rnd.randint(0, 7 if depth < 2 else 4)
        if kind == 0:
            return rnd.randint(-300, 300)
        if kind == 1:
            return rnd.choice([0.0, -0.0, 2.5, -7.9, 1e20, 123.0])
        if kind == 2:
            return rnd.choice([True, False, None])
        if kind in (3, 4):
            return rnd.choice(["", "bench-table-00003", number(), "\u00e9-\u4e2d-\U0001F600",
                               "a\"b\\c\x00\t"])
        if kind == 5:
            return [value(depth + 1) for _ in range(rnd.randint(0, 2))]
        return {rnd.choice(["Limit", "Marker", "x"]): value(depth + 1)}

    for _ in range(count):
        pick = rnd.randint(0, 6)
        if pick == 0:
            params = f"MaxRecords={number()}&Marker={number()}"
            pair.check(query(rnd.choice(["rds", "redshift"]),
                             rnd.choice(["DescribeDBInstances", "DescribeDBClusters",
                                         "DescribeClusters"]), params), name=f"fuzz {params!r}")
        elif pick == 1:
            q = f"MaxItems={number()}&Marker={number()}"
            pair.check(req("cloudfront", "GET", f"/2020-05-31/distribution?{q}"), name=f"fuzz {q!r}")
        elif pick == 2:
            target = f"/?Action={url_text()}&{url_text()}"
            pair.check(req(rnd.choice(["iam", "ec2", "sns"]), "GET", target), name=f"fuzz {target!r}")
        elif pick == 3:
            target = f"/{url_text()}?{url_text()}"
            pair.check(req(rnd.choice(["s3", "lambda", "cloudfront"]), "GET", target),
                       name=f"fuzz {target!r}")
        elif pick == 4:
            doc = {k: value() for k in rnd.sample(["Limit", "ExclusiveStartTableName", "TableName",
                                                   "PermissionSetArn", "MaxRecords", "Marker"],
                                                  rnd.randint(0, 3))}
            service, target = rnd.choice([("dynamodb", "DynamoDB_20120810.ListTables"),
                                          ("dynamodb", "DynamoDB_20120810.DescribeTable"),
                                          ("sso", "SWBExternalService.DescribePermissionSet"),
                                          ("rds", "AmazonRDSv19.DescribeDBInstances")])
            raw = json.dumps(doc, ensure_ascii=rnd.random() < 0.5).encode()
            pair.check(jsonrpc(service, target, None, raw=raw), name=f"fuzz {target} {raw!r}")
        elif pick == 5:
            body = url_text().encode("latin-1") if rnd.random() < 0.3 else url_text().encode()
            pair.check(req(rnd.choice(["sts", "iam", "rds"]), "POST", "/", body), name=f"fuzz form {body!r}")
        else:
            length = rnd.choice(["", " ", "0", "+0", "0_0", "00", "\u00a00", "-0", "x"])
            data = (f"GET /x HTTP/1.1\r\nContent-Length: {length}\r\n"
                    "Authorization: Credential=A/B/us-east-1/lambda/aws4_request\r\n\r\n")
            pair.check(data.encode("latin-1"), name=f"fuzz length {length!r}")
    pair.check(req(None, "GET", "/_sim/stats"), name="stats after fuzz")


def throttling(pair):
    """--rate 1 --op-rate s3:GetBucketAcl=0.5 --op-rate iam:GetAccountSummary=1000
    --op-rate dynamodb:ListTables=0: one call per operation passes, GetBucketAcl never,
    GetAccountSummary and ListTables always. Each service family gets its own error."""
    calls = [
        req("s3", "GET", "/bench-bucket-00000?encryption"),
        req("s3", "GET", "/bench-bucket-00001?acl"),
        query("ec2", "DescribeRegions"),
        query("iam", "GetAccountSummary"),
        query("sts", "GetCallerIdentity"),
        req("cloudfront", "GET", "/2020-05-31/distribution"),
        jsonrpc("dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": "bench-table-00001"}),
        jsonrpc("dynamodb", "DynamoDB_20120810.ListTables", {}),
        jsonrpc("organizations", "AWSOrganizationsV20161128.ListRoots", {}),
        jsonrpc("sso", "SWBExternalService.ListInstances", {}),
        jsonrpc("sso-admin", "SWBExternalService.ListInstances", {}),
        jsonrpc("config", "StarlingDoveService.DescribeConfigRules", {}),
        jsonrpc("kms", "TrentService.ListKeys", {}),
        req("lambda", "GET", "/2015-03-31/functions/"),
    ]
    for _ in range(4):
        for c in calls:
            pair.check(c, head=False, name=f"throttling {c[:60]!r}")
    pair.check(req("s3", "HEAD", "/bench-bucket-00000"), head=True, name="HEAD throttled")
    pair.check(req(None, "GET", "/_sim/stats"), name="stats after throttling")
    pair.check(req(None, "POST", "/_sim/reset"), name="reset")
    pair.check(req(None, "GET", "/_sim/stats"), name="stats after reset")
    # Tokens survive a reset, as in awssim.py: still throttled.
    pair.check(req("s3", "GET", "/bench-bucket-00000?encryption"), name="throttled after reset")
    pair.check(req(None, "GET", "/_sim/stats"), name="stats after reset and a call")


def concurrency(pair, n=40):
    """n connections with a request each, all waiting out the delay at once."""
    conns = [[Conn(c.port) for _ in range(n)] for c in pair.conns]
    for group in conns:
        for c in group:
            c.open()
    r = jsonrpc("dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": "bench-table-00002"})
    for group in conns:
        for c in group:
            c.send(r)
    answers = [[c.read() for c in group] for group in conns]
    for group in conns:
        for c in group:
            c.close()
    pair.count += n
    if answers[0] != answers[1]:
        pair.failures.append(("concurrent DescribeTable", answers[0][:1], answers[1][:1]))
    answer = pair.check(req(None, "GET", "/_sim/stats"), name="stats after concurrent calls")
    peak = json.loads(body_of(answer)).get("peak_in_flight") if answer != CLOSED else None
    if peak != n:
        pair.failures.append((f"peak_in_flight {peak}, expected {n}", answer, b""))


# --------------------------------------------------------------------------------------------
def sts_query(key, action, params=""):
    body = f"Action={action}&Version=2011-06-15" + (f"&{params}" if params else "")
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential="
            f"{key}/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def organization(pair):
    """--org-accounts: every ListAccounts page and odd tokens, AssumeRole of roles in and out of
    the Organization, GetCallerIdentity by access key (also run with the option 0 and -1)."""
    target = "AWSOrganizationsV20161128.ListAccounts"
    docs = [{}, {"NextToken": "20"}, {"NextToken": "40"}, {"NextToken": "1"}, {"NextToken": "-3"},
            {"NextToken": "x"}, {"NextToken": ""}, {"NextToken": "45"}, {"MaxResults": 5},
            {"MaxResults": 50}, {"MaxResults": "3", "NextToken": 2}, {"MaxResults": -2},
            {"MaxResults": None}, [1]]
    for doc in docs:
        pair.check(jsonrpc("organizations", target, doc), name=f"ListAccounts {doc}")
    for arn in ("arn:aws:iam::200000000007:role/DSPMAuditRole",
                "arn:aws:iam::123456789012:role/path/DSPMAuditRole",
                "arn:aws:iam::999999999999:role/DSPMAuditRole", "arn:aws:iam::200000000046:role/X",
                "bad%3C%26%3E", "", "arn:aws:iam::200000000001:user/X",
                "arn:aws:iam::200000000001:role/"):
        pair.check(sts_query("bench", "AssumeRole",
                             f"RoleArn={arn}&RoleSessionName=s%3Cx&DurationSeconds=3600"),
                   name=f"AssumeRole {arn}")
    pair.check(sts_query("bench", "AssumeRole"), name="AssumeRole without RoleArn")
    for doc in ({"RoleArn": "arn:aws:iam::200000000001:role/R", "RoleSessionName": 5},
                {"RoleArn": "arn:aws:iam::200000000001:role/R"}, {"RoleArn": 5}):
        pair.check(jsonrpc("sts", "X.AssumeRole", doc), name=f"AssumeRole JSON {doc}")
    for key in ("bench", "ASIA200000000007", "ASIA200000000007XYZ", "ASIA20000000000",
                "ASIA2000000000x7", "AKIA200000000007"):
        pair.check(sts_query(key, "GetCallerIdentity"), name=f"GetCallerIdentity {key}")


def start_pair(label, binary, flags):
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "awssim.py"),
                          "--port", str(ports[0])] + flags, stderr=subprocess.DEVNULL),
        subprocess.Popen([binary, "--port", str(ports[1])] + flags),
    ]
    for p in ports:
        wait_port(p)
    return Pair(label, ports), procs


def report(pair):
    for name, py, cpp in pair.failures[:5]:
        print(f"  MISMATCH {name!r}\n    python:   {py!r:.600}\n    compiled: {cpp!r:.600}")
    status = "ok" if not pair.failures else f"{len(pair.failures)} MISMATCHES"
    print(f"{pair.label}: {pair.count} requests, {pair.closed} closed by both; {status}", flush=True)
    return not pair.failures


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "bench", "awssim"))
    parser.add_argument("--sizes", default="1,300,1000")
    parser.add_argument("--fuzz", type=int, default=400, help="random requests per size")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} not found: cmake --build build --target awssim")
    ok = True
    runs = [(f"size {s}", ["--size", s, "--latency-ms", "1"], "main") for s in args.sizes.split(",")]
    runs += [("throttling (size 300, --rate 1)",
              ["--size", "300", "--latency-ms", "1", "--rate", "1",
               "--op-rate", "s3:GetBucketAcl=0.5", "--op-rate", "iam:GetAccountSummary=1000",
               "--op-rate", "dynamodb:ListTables=0"], "throttling"),
             ("concurrency (size 300, 300 ms)", ["--size", "300", "--latency-ms", "300"],
              "concurrency")]
    runs += [(f"organization (--org-accounts {n})",
              ["--size", "10", "--latency-ms", "1", "--org-accounts", n], "organization")
             for n in ("45", "0", "-1")]
    for label, flags, kind in runs:
        pair, procs = start_pair(label, args.binary, flags)
        try:
            if kind == "main":
                operations(pair, int(flags[1]))
                odd_http(pair)
                fuzz(pair, seed=int(flags[1]), count=args.fuzz)
            elif kind == "throttling":
                throttling(pair)
            elif kind == "organization":
                organization(pair)
            else:
                concurrency(pair)
        finally:
            for c in pair.conns:
                c.close()
            for p in procs:
                p.terminate()
                p.wait()
        ok = report(pair) and ok
    print("simcheck: " + ("the simulators answer alike" if ok else "MISMATCH"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
