"""The AWS operations moto 5.2 lacks that four fixers read or write, for their end-to-end cases.

moto answers 404 "Not yet implemented" for Access Analyzer and Security Hub's GetEnabledStandards,
has no EFS PutBackupPolicy, and answers ECR's BatchGetRepositoryScanningConfiguration without the
repository's scanOnPush. This server keeps the state of those four services per region and answers
their documented request and response shapes (botocore's models: rest-json for access-analyzer,
securityhub and elasticfilesystem, JSON 1.1 for ecr); every other service stays on moto.

usage: aws_gaps.py PORT. The region and service come from the request's SigV4 credential scope.
POST /_seed with {"region": R, "efs": [file system ids] or {id: backup policy status},
"ecr": [repository names],
"hub": true|false} sets up a case; GET /_state?region=R answers the state as JSON; POST /_reset
forgets everything. Ends with the process that started it.
"""
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

ACCOUNT = "123456789012"
state = {}
lock = threading.Lock()  # requests are served on threads: the AWS client runs reads in parallel


def region_state(region):
    return state.setdefault(region, {"analyzers": {}, "hub": False, "standards": {},
                                     "efs": {}, "ecr": {}})


def scope_of(headers):
    m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request",
                  headers.get("Authorization", ""))
    return (m.group(1), m.group(2)) if m else ("us-east-1", "")


# HTTP/1.0: one request per connection, so a client's idle kept-alive connection holds nothing.
class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body=None, error=None):
        if error is not None:
            body = {"__type": error[0], "message": error[1], "Message": error[1]}
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if error is not None:
            self.send_header("x-amzn-ErrorType", error[0])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw.strip() else {}

    def do_GET(self):
        self.route("GET")

    def do_PUT(self):
        self.route("PUT")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        with lock:
            self.route_locked(method)

    def route_locked(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = urllib.parse.parse_qs(url.query)
        if path.startswith("/_"):
            return self.control(method, path, query)
        region, service = scope_of(self.headers)
        st = region_state(region)
        handler = {"access-analyzer": self.analyzer, "securityhub": self.securityhub,
                   "elasticfilesystem": self.efs, "ecr": self.ecr}.get(service)
        if handler is None:
            return self.answer(404, error=("UnknownOperationException", f"{service} {path}"))
        return handler(method, path, st, region)

    def control(self, method, path, query):
        global state
        if path == "/_reset":
            state = {}
            return self.answer(200, {})
        if path == "/_seed":
            seed = self.body()
            st = region_state(seed.get("region", "us-east-1"))
            efs = seed.get("efs", [])
            for fs in efs:  # a list: no backup policy; a map: id -> ENABLED | DISABLED
                st["efs"][fs] = efs[fs] if isinstance(efs, dict) else None
            for repo in seed.get("ecr", []):
                st["ecr"][repo] = False
            if "hub" in seed:
                st["hub"] = bool(seed["hub"])
            return self.answer(200, {})
        if path == "/_state":
            return self.answer(200, region_state(query.get("region", ["us-east-1"])[0]))
        return self.answer(404, error=("NotFound", path))

    # ---- access-analyzer (rest-json) ----
    def analyzer(self, method, path, st, region):
        if method == "GET" and path == "/analyzer":
            return self.answer(200, {"analyzers": list(st["analyzers"].values())})
        if method == "PUT" and path == "/analyzer":
            req = self.body()
            name = req.get("analyzerName", "")
            if name in st["analyzers"]:
                return self.answer(409, error=("ConflictException", f"analyzer {name} exists"))
            arn = f"arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/{name}"
            st["analyzers"][name] = {"arn": arn, "name": name, "type": req.get("type"),
                                     "status": "ACTIVE", "createdAt": "2026-12-01T00:00:00Z"}
            return self.answer(200, {"arn": arn})
        if method == "DELETE" and path.startswith("/analyzer/"):
            name = path[len("/analyzer/"):]
            if st["analyzers"].pop(name, None) is None:
                return self.answer(404, error=("ResourceNotFoundException", name))
            return self.answer(200, {})
        return self.answer(404, error=("UnknownOperationException", path))

    # ---- securityhub (rest-json) ----
    def securityhub(self, method, path, st, region):
        off = ("InvalidAccessException",
               f"Account {ACCOUNT} is not subscribed to AWS Security Hub")
        if path == "/accounts":
            if method == "GET":
                if not st["hub"]:
                    return self.answer(401, error=off)
                return self.answer(200, {"HubArn": f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default",
                                         "SubscribedAt": "2026-12-01T00:00:00.000Z",
                                         "AutoEnableControls": True})
            if method == "POST":
                if st["hub"]:
                    return self.answer(409, error=("ResourceConflictException", "subscribed"))
                req = self.body()
                st["hub"] = True
                if req.get("EnableDefaultStandards", True):
                    for s in ("aws-foundational-security-best-practices/v/1.0.0",
                              "cis-aws-foundations-benchmark/v/1.2.0"):
                        self.subscribe(st, region, s)
                return self.answer(200, {})
            if method == "DELETE":
                if not st["hub"]:
                    return self.answer(401, error=off)
                st["hub"] = False
                st["standards"] = {}
                return self.answer(200, {})
        if not st["hub"]:
            return self.answer(401, error=off)
        if method == "POST" and path == "/standards/get":
            return self.answer(200, {"StandardsSubscriptions": list(st["standards"].values())})
        if method == "POST" and path == "/standards/register":
            req = self.body()
            subs = []
            for r in req.get("StandardsSubscriptionRequests", []):
                name = r["StandardsArn"].split(":standards/", 1)[-1]
                subs.append(self.subscribe(st, region, name))
            return self.answer(200, {"StandardsSubscriptions": subs})
        if method == "POST" and path == "/standards/deregister":
            req = self.body()
            subs = []
            for arn in req.get("StandardsSubscriptionArns", []):
                if arn in st["standards"]:
                    sub = st["standards"].pop(arn)
                    sub["StandardsStatus"] = "DELETING"
                    subs.append(sub)
            return self.answer(200, {"StandardsSubscriptions": subs})
        return self.answer(404, error=("UnknownOperationException", path))

    @staticmethod
    def subscribe(st, region, name):
        arn = f"arn:aws:securityhub:{region}:{ACCOUNT}:subscription/{name}"
        sub = {"StandardsSubscriptionArn": arn,
               "StandardsArn": f"arn:aws:securityhub:{region}::standards/{name}",
               "StandardsInput": {}, "StandardsStatus": "READY"}
        st["standards"][arn] = sub
        return sub

    # ---- elasticfilesystem (rest-json) ----
    def efs(self, method, path, st, region):
        if method == "GET" and path == "/2015-02-01/file-systems":
            return self.answer(200, {"FileSystems": [
                {"FileSystemId": fs, "OwnerId": ACCOUNT, "CreationToken": fs,
                 "FileSystemArn": f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/{fs}",
                 "LifeCycleState": "available", "NumberOfMountTargets": 0,
                 "SizeInBytes": {"Value": 6144}, "PerformanceMode": "generalPurpose",
                 "Encrypted": True, "ThroughputMode": "bursting", "Tags": []}
                for fs in st["efs"]]})
        m = re.fullmatch(r"/2015-02-01/file-systems/([^/]+)/backup-policy", path)
        if m:
            fs = m.group(1)
            if fs not in st["efs"]:
                return self.answer(404, error=("FileSystemNotFound", fs))
            if method == "GET":
                if st["efs"][fs] is None:
                    return self.answer(404, error=("PolicyNotFound", "no backup policy"))
                return self.answer(200, {"BackupPolicy": {"Status": st["efs"][fs]}})
            if method == "PUT":
                wanted = self.body().get("BackupPolicy", {}).get("Status")
                if wanted not in ("ENABLED", "DISABLED"):
                    return self.answer(400, error=("ValidationException", "Status"))
                st["efs"][fs] = wanted
                return self.answer(200, {"BackupPolicy": {"Status": wanted}})
        return self.answer(404, error=("UnknownOperationException", path))

    # ---- ecr (JSON 1.1, X-Amz-Target) ----
    def ecr(self, method, path, st, region):
        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
        req = self.body()

        def repo(name):
            return {"repositoryName": name,
                    "repositoryArn": f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{name}",
                    "registryId": ACCOUNT,
                    "repositoryUri": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{name}",
                    "imageTagMutability": "MUTABLE",
                    "imageScanningConfiguration": {"scanOnPush": st["ecr"][name]},
                    "encryptionConfiguration": {"encryptionType": "AES256"}}

        names = req.get("repositoryNames") or list(st["ecr"])
        missing = [n for n in names if n not in st["ecr"]]
        if op == "DescribeRepositories":
            if missing:
                return self.answer(400, error=("RepositoryNotFoundException", missing[0]))
            return self.answer(200, {"repositories": [repo(n) for n in names]})
        if op == "GetRegistryScanningConfiguration":
            return self.answer(200, {"registryId": ACCOUNT, "scanningConfiguration":
                                     {"scanType": "BASIC", "rules": []}})
        if op == "BatchGetRepositoryScanningConfiguration":
            # A BASIC registry without rules: each repository's own flag decides (AWS).
            return self.answer(200, {
                "scanningConfigurations": [
                    {"repositoryArn": repo(n)["repositoryArn"], "repositoryName": n,
                     "scanOnPush": st["ecr"][n],
                     "scanFrequency": "SCAN_ON_PUSH" if st["ecr"][n] else "MANUAL",
                     "appliedScanFilters": []} for n in names if n in st["ecr"]],
                "failures": [{"repositoryName": n, "failureCode": "REPOSITORY_NOT_FOUND",
                              "failureReason": "REPOSITORY_NOT_FOUND"} for n in missing]})
        if op == "PutImageScanningConfiguration":
            name = req.get("repositoryName", "")
            if name not in st["ecr"]:
                return self.answer(400, error=("RepositoryNotFoundException", name))
            st["ecr"][name] = bool(req.get("imageScanningConfiguration", {}).get("scanOnPush"))
            return self.answer(200, {"registryId": ACCOUNT, "repositoryName": name,
                                     "imageScanningConfiguration":
                                     {"scanOnPush": st["ecr"][name]}})
        return self.answer(400, error=("UnknownOperationException", op))

    def log_message(self, *args):
        pass


parent = os.getppid()
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
server.timeout = 2
while os.getppid() == parent:
    server.handle_request()
