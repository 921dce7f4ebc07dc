"""Least privilege as a pod sees it through boto3: credentials from the default chain (web identity token file).

Usage: s3_least_privilege.py READ_BUCKET READ_KEY DENIED_BUCKET [SESSION_POLICY_JSON]
Prints one JSON line: what each call answered. With a session policy, the pod first assumes its own role again through
AssumeRoleWithWebIdentity with that policy, and makes the calls with the narrowed session.
"""
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

read_bucket, read_key, denied_bucket = sys.argv[1:4]
session = boto3.session.Session()
if len(sys.argv) > 4:
    credentials = session.client("sts").assume_role_with_web_identity(
        RoleArn=os.environ["AWS_ROLE_ARN"], RoleSessionName="narrowed", Policy=sys.argv[4],
        WebIdentityToken=open(os.environ["AWS_WEB_IDENTITY_TOKEN_FILE"]).read())["Credentials"]
    session = boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"])
s3 = session.client("s3")


def outcome(call):
    try:
        return {"ok": True, "value": call()}
    except ClientError as error:
        return {"ok": False, "code": error.response["Error"]["Code"], "message": error.response["Error"].get("Message", ""),
                "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}


print(json.dumps({
    "read": outcome(lambda: s3.get_object(Bucket=read_bucket, Key=read_key)["Body"].read().decode()),
    "list": outcome(lambda: [o["Key"] for o in s3.list_objects_v2(Bucket=read_bucket).get("Contents", [])]),
    "deniedRead": outcome(lambda: s3.get_object(Bucket=denied_bucket, Key=read_key)["Body"].read().decode()),
    "deniedWrite": outcome(lambda: s3.put_object(Bucket=read_bucket, Key=read_key + ".py", Body=b"no")["ETag"]),
}))
