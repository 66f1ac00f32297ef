#!/usr/bin/env python3
"""Seeds a moto_server with a small demo account: some resources compliant, some not.

Usage: seed_demo.py ENDPOINT [REGION]
Uses boto3 (installed with moto) with dummy credentials; never touches real AWS because every
client is pointed at ENDPOINT.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"


def client(service, region_name=region):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region_name,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def step(name, fn):
    try:
        fn()
        print(f"seed: {name}", file=sys.stderr)
    except Exception as e:  # a service moto lacks must not stop the demo
        print(f"seed: {name} skipped ({type(e).__name__}: {e})", file=sys.stderr)


def s3():
    c = client("s3")

    def bucket(name):
        if region == "us-east-1":
            c.create_bucket(Bucket=name)
        else:
            c.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})

    def sse(name, algo):
        rule = {"SSEAlgorithm": algo}
        if algo.startswith("aws:kms"):
            rule["KMSMasterKeyID"] = "alias/aws/s3"
        c.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]},
        )

    for name in ("demo-finance-kms", "demo-hr-kms", "demo-logs-kms"):
        bucket(name)
        sse(name, "aws:kms")
    bucket("demo-web-aes256")
    sse("demo-web-aes256", "AES256")
    # No default-encryption configuration at all (moto would otherwise not answer NotFound).
    bucket("demo-scratch-noconfig")
    try:
        c.delete_bucket_encryption(Bucket="demo-scratch-noconfig")
    except Exception:
        pass


def rds():
    c = client("rds")
    common = dict(DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="admin",
                  MasterUserPassword="password123", AllocatedStorage=20)
    c.create_db_instance(DBInstanceIdentifier="demo-orders-encrypted", StorageEncrypted=True, **common)
    c.create_db_instance(DBInstanceIdentifier="demo-legacy-plain", StorageEncrypted=False, **common)


def dynamodb():
    c = client("dynamodb")
    common = dict(AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    c.create_table(TableName="demo-sessions-kms", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **common)
    c.create_table(TableName="demo-cache-owned-key", **common)


def redshift():
    c = client("redshift")
    c.create_cluster(ClusterIdentifier="demo-warehouse", NodeType="dc2.large", MasterUsername="admin",
                     MasterUserPassword="Password123", ClusterType="single-node", Encrypted=False)


def cloudfront():
    c = client("cloudfront", "us-east-1")

    def dist(ref, policy, extra_behaviours):
        config = {
            "CallerReference": ref,
            "Comment": ref,
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "origin", "DomainName": "demo-web-aes256.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "origin", "ViewerProtocolPolicy": policy,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0},
        }
        if extra_behaviours:
            config["CacheBehaviors"] = {"Quantity": len(extra_behaviours), "Items": [{
                "PathPattern": pattern, "TargetOriginId": "origin", "ViewerProtocolPolicy": p,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0} for pattern, p in extra_behaviours]}
        c.create_distribution(DistributionConfig=config)

    dist("demo-site-https", "redirect-to-https", [])
    dist("demo-api-mixed", "https-only", [("/legacy/*", "allow-all")])


def identity_center():
    c = client("sso-admin")
    instances = c.list_instances().get("Instances", [])
    if not instances:
        raise RuntimeError("moto reports no Identity Center instance")
    arn = instances[0]["InstanceArn"]
    admin = c.create_permission_set(Name="DemoAdmins", InstanceArn=arn)["PermissionSet"]["PermissionSetArn"]
    c.attach_managed_policy_to_permission_set(
        InstanceArn=arn, PermissionSetArn=admin, ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    ro = c.create_permission_set(Name="DemoReadOnly", InstanceArn=arn)["PermissionSet"]["PermissionSetArn"]
    c.attach_managed_policy_to_permission_set(
        InstanceArn=arn, PermissionSetArn=ro, ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")


def organizations():
    c = client("organizations", "us-east-1")
    c.create_organization(FeatureSet="ALL")
    root = c.list_roots()["Roots"][0]["Id"]
    c.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    policy = c.create_policy(
        Name="DemoDenyLeaveOrganization", Type="SERVICE_CONTROL_POLICY", Description="demo",
        Content=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}))
    c.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=root)


def config_service():
    c = client("config")
    c.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/config",
        "recordingGroup": {"allSupported": True}})
    c.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "demo-logs-kms"})
    c.start_configuration_recorder(ConfigurationRecorderName="default")


def account_alias():
    # Shown beside the account id in results and reports.
    client("iam", "us-east-1").create_account_alias(AccountAlias="demo-payments")


for name, fn in [("account alias", account_alias), ("s3", s3), ("rds", rds), ("dynamodb", dynamodb), ("redshift", redshift),
                 ("cloudfront", cloudfront), ("identity center", identity_center),
                 ("organizations", organizations), ("config", config_service)]:
    step(name, fn)
