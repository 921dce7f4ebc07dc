"""Drives the IRSA setup through boto3's IAM client and prints what the server answered, for the test to judge.

Input (env): ISSUER, NAME; credentials and endpoint come from the AWS profile files Irsa wrote.
"""
import json
import os

import boto3

iam = boto3.client("iam")
issuer = os.environ["ISSUER"]
name = os.environ["NAME"]
host = issuer.split("://", 1)[1]

provider = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=["sts.amazonaws.com"])
trust = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{host}:sub": "system:serviceaccount:default:reader", f"{host}:aud": "sts.amazonaws.com"}},
    }],
}
role = iam.create_role(RoleName=f"py-{name}", AssumeRolePolicyDocument=json.dumps(trust))
policy = iam.create_policy(PolicyName=f"py-read-{name}", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}],
}))
iam.attach_role_policy(RoleName=f"py-{name}", PolicyArn=policy["Policy"]["Arn"])
got = iam.get_role(RoleName=f"py-{name}")
principal = iam.simulate_principal_policy(
    PolicySourceArn=role["Role"]["Arn"], ActionNames=["s3:GetObject", "s3:PutObject"], ResourceArns=["arn:aws:s3:::reports/q1.csv"])
duplicate_code = None
try:
    iam.create_role(RoleName=f"PY-{name}".upper(), AssumeRolePolicyDocument=json.dumps(trust))
except iam.exceptions.EntityAlreadyExistsException as error:
    duplicate_code = error.response["Error"]["Code"]

print(json.dumps({
    "providerArn": provider["OpenIDConnectProviderArn"],
    "roleArn": role["Role"]["Arn"],
    # botocore URL-decodes and parses policy documents: a dict here proves the wire encoding was right.
    "trustPolicy": got["Role"]["AssumeRolePolicyDocument"],
    "principalDecisions": [[r["EvalActionName"], r["EvalDecision"]] for r in principal["EvaluationResults"]],
    "duplicateCode": duplicate_code,
}))
