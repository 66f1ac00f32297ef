#!/usr/bin/env python3
"""Generate the trimmed AWS operation models embedded in dspm-audit (data/aws/models/*.json).

Reads botocore's service models installed on this machine and keeps, for a fixed list of
operations, only what the C++ protocol layer needs: metadata, the HTTP binding of each operation,
the shapes reachable from its input and output (no documentation), and its paginator.

Usage: scripts/gen_aws_models.py [--out data/aws/models]
Re-run after adding an operation to OPERATIONS; commit the generated files.
"""
import argparse
import gzip
import json
import os
import sys

# botocore service name -> operations the project calls (more is fine, fewer breaks checks).
OPERATIONS = {
    "sts": ["GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"],
    "s3": ["ListBuckets", "GetBucketEncryption", "GetBucketLocation", "HeadBucket",
           "GetBucketVersioning", "GetPublicAccessBlock", "GetBucketPolicyStatus",
           "GetBucketLogging", "GetBucketPolicy", "GetBucketAcl", "PutBucketEncryption",
           "CreateBucket", "ListObjectsV2", "PutObject", "PutBucketPolicy",
           "PutPublicAccessBlock", "PutBucketVersioning", "DeleteBucket",
           "GetBucketLifecycleConfiguration", "GetObjectLockConfiguration",
           "GetBucketReplication", "GetBucketNotificationConfiguration"],
    "s3control": ["GetPublicAccessBlock", "ListAccessPoints", "GetAccessPoint",
                  "GetAccessPointPolicyStatus"],
    "iam": ["GetAccountSummary", "ListUsers", "ListRoles", "ListPolicies",
            "GetAccountPasswordPolicy", "ListMFADevices", "ListAccessKeys", "GetCredentialReport",
            "GenerateCredentialReport", "ListAttachedUserPolicies", "CreateUser", "PutUserPolicy",
            "CreateAccessKey", "ListUserPolicies", "GetUser", "CreateRole", "AttachUserPolicy",
            "CreatePolicy", "ListVirtualMFADevices", "GetAccessKeyLastUsed",
            "ListOpenIDConnectProviders", "GetPolicy", "GetPolicyVersion", "ListAccountAliases"],
    "organizations": ["DescribeOrganization", "ListRoots", "ListPolicies", "ListTargetsForPolicy",
                      "ListPoliciesForTarget", "DescribePolicy", "ListAccounts",
                      "ListOrganizationalUnitsForParent", "CreateOrganization"],
    # The mutelist's tags selectors: the tags of the audited regions' resources, by ARN.
    "resourcegroupstaggingapi": ["GetResources"],
    "sso-admin": ["ListInstances", "ListPermissionSets", "DescribePermissionSet",
                  "ListManagedPoliciesInPermissionSet", "GetInlinePolicyForPermissionSet", "GetPermissionsBoundaryForPermissionSet",
                  "ListAccountAssignments", "ListCustomerManagedPolicyReferencesInPermissionSet"],
    "rds": ["DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots",
            "CreateDBInstance"],
    "dynamodb": ["ListTables", "DescribeTable", "DescribeContinuousBackups", "CreateTable",
                 "DescribeTimeToLive"],
    "redshift": ["DescribeClusters", "DescribeLoggingStatus"],
    "cloudfront": ["ListDistributions", "GetDistributionConfig", "GetDistribution"],
    "config": ["DescribeConformancePacks", "DescribeConformancePackStatus",
               "DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus",
               "DescribeConfigRules", "DescribeDeliveryChannels"],
    "ec2": ["DescribeRegions", "DescribeVolumes", "DescribeInstances", "DescribeSecurityGroups",
            "DescribeVpcs", "DescribeFlowLogs", "GetEbsEncryptionByDefault", "DescribeSnapshots",
            "CreateVolume", "EnableEbsEncryptionByDefault", "DescribeVerifiedAccessEndpoints",
            "DescribeVpcEndpointServices", "DescribeVpcEndpoints"],
    "kms": ["ListKeys", "DescribeKey", "GetKeyRotationStatus", "ListAliases", "CreateKey",
            "ListResourceTags"],
    "cloudtrail": ["DescribeTrails", "GetTrailStatus", "GetEventSelectors", "GetInsightSelectors",
                   "ListEventDataStores", "GetEventDataStore", "LookupEvents"],
    "guardduty": ["ListDetectors", "GetDetector"],
    "securityhub": ["GetEnabledStandards", "DescribeHub"],
    "logs": ["DescribeLogGroups", "DescribeDeliveries", "DescribeDeliveryDestinations"],
    "elbv2": ["DescribeLoadBalancers", "DescribeListeners", "DescribeLoadBalancerAttributes",
              "DescribeSSLPolicies"],
    "acm": ["ListCertificates", "DescribeCertificate"],
    "lambda": ["ListFunctions"],
    "efs": ["DescribeFileSystems", "DescribeBackupPolicy"],
    "sns": ["ListTopics", "GetTopicAttributes", "CreateTopic"],
    "sqs": ["ListQueues", "GetQueueAttributes"],
    "secretsmanager": ["ListSecrets", "DescribeSecret"],
    "backup": ["ListBackupPlans", "ListBackupVaults", "ListCopyJobs", "GetBackupPlan",
               "ListProtectedResources"],
    "macie2": ["GetMacieSession", "ListClassificationJobs", "GetAutomatedDiscoveryConfiguration"],
    "wafv2": ["ListWebACLs", "GetWebACLForResource"],
    "accessanalyzer": ["ListAnalyzers"],
    "ecr": ["DescribeRepositories", "GetRegistryScanningConfiguration",
            "BatchGetRepositoryScanningConfiguration"],
    "eks": ["ListClusters", "DescribeCluster", "ListPodIdentityAssociations"],
    "apigateway": ["GetRestApis", "GetStages"],
    "elasticache": ["DescribeReplicationGroups"],
    "opensearch": ["ListDomainNames", "DescribeDomain"],
    "kinesis": ["ListStreams", "DescribeStreamSummary"],
    "ssm": ["DescribeParameters"],
    "cloudwatch": ["DescribeAlarms"],
    "route53resolver": ["ListResolverQueryLogConfigAssociations", "ListFirewallRuleGroups",
                        "ListFirewallRuleGroupAssociations"],
    "shield": ["DescribeSubscription"],
    "network-firewall": ["ListFirewalls"],
    "detective": ["ListGraphs", "ListInvitations"],
    "synthetics": ["DescribeCanaries"],
    "inspector2": ["ListCoverageStatistics", "ListCoverage", "BatchGetAccountStatus"],
    "signer": ["ListSigningProfiles"],
    "kafka": ["ListClustersV2"],
    "dlm": ["GetLifecyclePolicies", "GetLifecyclePolicy"],
    "ram": ["GetResourceShares"],
    "glacier": ["ListVaults", "GetVaultLock"],
    "athena": ["ListWorkGroups", "GetWorkGroup", "ListQueryExecutions"],
    "codebuild": ["ListProjects", "BatchGetProjects"],
    "databrew": ["ListProjects"],
    "glue": ["ListDataQualityRulesets", "GetDatabases", "GetTables"],
    "sagemaker": ["ListExperiments", "ListFeatureGroups", "ListEndpoints", "DescribeEndpoint",
                  "ListMonitoringSchedules", "ListModelPackageGroups", "ListModelPackages",
                  "ListLabelingJobs", "ListPipelines"],
    "lakeformation": ["ListLFTags", "ListPermissions", "GetDataLakeSettings"],
    "datasync": ["ListTasks"],
    "transfer": ["ListServers", "DescribeServer"],
    "events": ["ListRules", "ListTargetsByRule", "ListEventBuses"],
    "stepfunctions": ["ListStateMachines", "ListExecutions"],
    "codecommit": ["ListRepositories", "ListAssociatedApprovalRuleTemplatesForRepository"],
    "codepipeline": ["ListPipelines", "GetPipeline"],
    "cloudformation": ["ListStackSets"],
    "codedeploy": ["ListApplications", "ListDeploymentGroups", "GetDeploymentGroup"],
}

# The writes of the checks' fixers (checks/fix.hpp: dspm-audit fix --apply), and their undo.
FIX_OPERATIONS = {
    "s3": ["PutBucketEncryption", "DeleteBucketEncryption", "PutPublicAccessBlock",
           "DeletePublicAccessBlock", "PutBucketVersioning", "PutBucketLogging"],
    "s3control": ["PutPublicAccessBlock", "DeletePublicAccessBlock"],
    "iam": ["UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"],
    "kms": ["EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus"],
    "sqs": ["SetQueueAttributes", "GetQueueAttributes"],
    "sns": ["SetTopicAttributes", "GetTopicAttributes"],
    "kinesis": ["StartStreamEncryption", "StopStreamEncryption", "DescribeStreamSummary"],
    "logs": ["PutRetentionPolicy", "DeleteRetentionPolicy"],
    "ecr": ["PutImageScanningConfiguration", "PutImageTagMutability", "DescribeRepositories"],
    "dynamodb": ["UpdateContinuousBackups", "DescribeContinuousBackups"],
    "efs": ["PutBackupPolicy", "DescribeBackupPolicy"],
    "rds": ["ModifyDBInstance", "ModifyDBCluster"],
    "guardduty": ["CreateDetector", "DeleteDetector", "UpdateDetector", "ListDetectors",
                  "GetDetector"],
    "accessanalyzer": ["CreateAnalyzer", "DeleteAnalyzer"],
    "securityhub": ["EnableSecurityHub", "DisableSecurityHub", "BatchEnableStandards",
                    "BatchDisableStandards", "DescribeStandards", "GetEnabledStandards",
                    "DescribeHub"],
    "ec2": ["RevokeSecurityGroupIngress", "AuthorizeSecurityGroupIngress", "CreateFlowLogs",
            "DeleteFlowLogs", "DescribeFlowLogs", "DescribeSecurityGroups",
            "DescribeSecurityGroupRules"],
    "elbv2": ["ModifyLoadBalancerAttributes"],
    "cloudfront": ["GetDistributionConfig", "UpdateDistribution"],
    "cloudtrail": ["CreateTrail", "DeleteTrail", "StartLogging", "StopLogging", "UpdateTrail",
                   "PutEventSelectors", "GetTrail", "AddTags"],
    "config": ["PutConfigurationRecorder", "PutDeliveryChannel", "StartConfigurationRecorder",
               "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"],
}
for _service, _ops in FIX_OPERATIONS.items():
    _have = OPERATIONS.setdefault(_service, [])
    _have.extend(op for op in _ops if op not in _have)

# Operations that page by a token although botocore ships no paginator for them: the input and
# the output shapes both carry the token member (checked when the model is generated). Without an
# entry the client would read their first page as the whole list.
EXTRA_PAGINATORS = {
    ("athena", "ListWorkGroups"): ("NextToken", "NextToken", "WorkGroups"),
    ("cloudtrail", "ListEventDataStores"): ("NextToken", "NextToken", "EventDataStores"),
    ("codecommit", "ListAssociatedApprovalRuleTemplatesForRepository"):
        ("nextToken", "nextToken", "approvalRuleTemplateNames"),
    ("detective", "ListGraphs"): ("NextToken", "NextToken", "GraphList"),
    ("detective", "ListInvitations"): ("NextToken", "NextToken", "Invitations"),
    ("events", "ListEventBuses"): ("NextToken", "NextToken", "EventBuses"),
    ("glue", "ListDataQualityRulesets"): ("NextToken", "NextToken", "Rulesets"),
    ("lakeformation", "ListPermissions"): ("NextToken", "NextToken",
                                           "PrincipalResourcePermissions"),
    ("s3control", "ListAccessPoints"): ("NextToken", "NextToken", "AccessPointList"),
    ("synthetics", "DescribeCanaries"): ("NextToken", "NextToken", "Canaries"),
    ("wafv2", "ListWebACLs"): ("NextMarker", "NextMarker", "WebACLs"),
}


SUPPORTED_PROTOCOLS = ("json", "query", "ec2", "rest-json", "rest-xml")

# Member-level keys the protocol layer reads.
MEMBER_KEYS = ("location", "locationName", "flattened", "xmlNamespace", "queryName",
               "timestampFormat", "xmlAttribute", "hostLabel", "jsonvalue")
SHAPE_KEYS = ("type", "required", "payload", "flattened", "locationName", "xmlNamespace",
              "timestampFormat", "exception")


def latest_model_dir(data_dir, service):
    root = os.path.join(data_dir, service)
    versions = sorted(v for v in os.listdir(root)
                      if os.path.exists(os.path.join(root, v, "service-2.json.gz")))
    if not versions:
        raise SystemExit(f"no service-2.json.gz for {service} under {root}")
    return os.path.join(root, versions[-1])


def trim_ref(ref):
    out = {"shape": ref["shape"]}
    for k in MEMBER_KEYS:
        if k in ref:
            out[k] = ref[k]
    return out


def collect_shapes(shapes, roots):
    keep = {}
    todo = [r for r in roots if r]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        src = shapes[name]
        out = {k: src[k] for k in SHAPE_KEYS if k in src}
        kind = src["type"]
        if kind == "structure":
            out["members"] = {m: trim_ref(ref) for m, ref in src.get("members", {}).items()}
            todo.extend(ref["shape"] for ref in src.get("members", {}).values())
        elif kind == "list":
            out["member"] = trim_ref(src["member"])
            todo.append(src["member"]["shape"])
        elif kind == "map":
            out["key"] = trim_ref(src["key"])
            out["value"] = trim_ref(src["value"])
            todo.extend([src["key"]["shape"], src["value"]["shape"]])
        keep[name] = out
    return dict(sorted(keep.items()))


def global_endpoint(endpoints, endpoint_prefix):
    """Hostname of the partition endpoint of a non-regionalised service in the aws partition."""
    for partition in endpoints["partitions"]:
        if partition["partition"] != "aws":
            continue
        svc = partition["services"].get(endpoint_prefix)
        if not svc or svc.get("isRegionalized", True) is not False:
            return None
        pe = svc.get("partitionEndpoint")
        ep = svc.get("endpoints", {}).get(pe, {})
        return {"hostname": ep.get("hostname"),
                "region": ep.get("credentialScope", {}).get("region", "us-east-1")}
    return None


def generate(data_dir, service, operations, endpoints):
    model_dir = latest_model_dir(data_dir, service)
    with gzip.open(os.path.join(model_dir, "service-2.json.gz"), "rt") as f:
        model = json.load(f)
    pag_path = os.path.join(model_dir, "paginators-1.json")
    paginators = {}
    if os.path.exists(pag_path):
        with open(pag_path) as f:
            paginators = json.load(f).get("pagination", {})

    meta_src = model["metadata"]
    meta = {"service": service}
    for k in ("protocol", "endpointPrefix", "signingName", "apiVersion", "jsonVersion",
              "targetPrefix", "xmlNamespace", "signatureVersion"):
        if k in meta_src:
            meta[k] = meta_src[k]
    # Newer models list several wire protocols, preferring ones the audit does not speak
    # (CloudWatch: smithy-rpc-v2-cbor first); take the first one it does.
    for candidate in meta_src.get("protocols", []):
        if candidate in SUPPORTED_PROTOCOLS:
            meta["protocol"] = candidate
            break
    if meta.get("protocol") not in SUPPORTED_PROTOCOLS:
        raise SystemExit(f"{service}: no supported protocol in {meta_src.get('protocols')}")
    meta.setdefault("signingName", meta_src["endpointPrefix"])
    ge = global_endpoint(endpoints, meta_src["endpointPrefix"])
    if ge:
        meta["globalEndpoint"] = ge["hostname"]
        meta["globalRegion"] = ge["region"]

    ops_out, roots, missing = {}, [], []
    for op in operations:
        src = model["operations"].get(op)
        if src is None:
            missing.append(op)
            continue
        out = {"http": {"method": src["http"]["method"], "requestUri": src["http"]["requestUri"]}}
        if "responseCode" in src["http"]:
            out["http"]["responseCode"] = src["http"]["responseCode"]
        if "input" in src:
            out["input"] = trim_ref(src["input"])
            roots.append(src["input"]["shape"])
        if "output" in src:
            out["output"] = trim_ref(src["output"])
            if "resultWrapper" in src["output"]:
                out["output"]["resultWrapper"] = src["output"]["resultWrapper"]
            roots.append(src["output"]["shape"])
        if "endpoint" in src and "hostPrefix" in src["endpoint"]:
            out["hostPrefix"] = src["endpoint"]["hostPrefix"]
        if src.get("httpChecksumRequired") or src.get("httpChecksum", {}).get(
                "requestChecksumRequired"):
            out["checksumRequired"] = True
        if op in paginators:
            p = paginators[op]
            out["paginator"] = {k: p[k] for k in ("input_token", "output_token", "result_key",
                                                  "more_results", "limit_key") if k in p}
        elif (service, op) in EXTRA_PAGINATORS:
            token_in, token_out, result = EXTRA_PAGINATORS[(service, op)]
            shapes = model["shapes"]
            if (token_in not in shapes[src["input"]["shape"]].get("members", {}) or
                    token_out not in shapes[src["output"]["shape"]].get("members", {}) or
                    result not in shapes[src["output"]["shape"]].get("members", {})):
                raise SystemExit(f"{service}:{op}: EXTRA_PAGINATORS names a member the model "
                                 "does not have")
            out["paginator"] = {"input_token": token_in, "output_token": token_out,
                                "result_key": result}
        ops_out[op] = out
    if missing:
        raise SystemExit(f"{service}: operations not in botocore: {missing}")
    return {"metadata": meta, "operations": ops_out, "shapes": collect_shapes(model["shapes"],
                                                                               roots)}


def main():
    import botocore  # imported here so --help works without it

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "data", "aws", "models"))
    args = parser.parse_args()

    data_dir = os.path.join(os.path.dirname(botocore.__file__), "data")
    with open(os.path.join(data_dir, "endpoints.json")) as f:
        endpoints = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    unused = [f"{svc}:{op}" for svc, op in EXTRA_PAGINATORS if op not in OPERATIONS.get(svc, [])]
    if unused:
        raise SystemExit(f"EXTRA_PAGINATORS for operations not generated: {unused}")
    for service, operations in sorted(OPERATIONS.items()):
        doc = generate(data_dir, service, operations, endpoints)
        doc["metadata"]["botocoreVersion"] = botocore.__version__
        path = os.path.join(args.out, f"{service}.json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        total += os.path.getsize(path)
    print(f"wrote {len(OPERATIONS)} models ({total // 1024} KiB) to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
