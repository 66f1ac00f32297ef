#!/usr/bin/env python3
"""Creates an IAM user on a moto_server holding the given policy documents as managed policies.

Usage: moto_iam_user.py ENDPOINT USER POLICY.json [POLICY.json ...]
Prints {"AccessKeyId": ..., "SecretAccessKey": ...} of the new user. Run before enforcement is
switched on (POST /moto-api/reset-auth), with moto's default root credentials.
"""
import json
import sys

import boto3

endpoint, user, files = sys.argv[1], sys.argv[2], sys.argv[3:]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
iam.create_user(UserName=user)
for i, path in enumerate(files):
    with open(path, encoding="utf-8") as f:
        document = f.read()
    arn = iam.create_policy(PolicyName=f"{user}-{i}", PolicyDocument=document)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
key = iam.create_access_key(UserName=user)["AccessKey"]
print(json.dumps({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}))
