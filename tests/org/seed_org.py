"""Seeds moto with an Organization: the caller's account (moto's 123456789012) creates it and N
member accounts, then, through sts:AssumeRole into each member (moto keeps resources per account
behind the assumed role's keys), one bucket per member: even members encrypt it with SSE-KMS,
odd ones with SSE-S3 (AES256). Prints {"management": id, "members": [ids]} as JSON.

usage: seed_org.py ENDPOINT N
"""
import json
import sys

import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
keys = dict(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1",
            endpoint_url=endpoint)
org = boto3.client("organizations", **keys)
org.create_organization(FeatureSet="ALL")
members = []
for i in range(count):
    status = org.create_account(Email=f"member{i}@example.com", AccountName=f"member-{i}")
    members.append(status["CreateAccountStatus"]["AccountId"])
sts = boto3.client("sts", **keys)
for i, account in enumerate(members):
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/DSPMAuditRole",
                            RoleSessionName="seed")["Credentials"]
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint,
                      aws_access_key_id=creds["AccessKeyId"],
                      aws_secret_access_key=creds["SecretAccessKey"],
                      aws_session_token=creds["SessionToken"])
    bucket = f"member-{i}-{account}"
    s3.create_bucket(Bucket=bucket)
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}} if i % 2 == 0 else \
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    s3.put_bucket_encryption(Bucket=bucket,
                             ServerSideEncryptionConfiguration={"Rules": [rule]})
me = sts.get_caller_identity()["Account"]
print(json.dumps({"management": me, "members": members}))
