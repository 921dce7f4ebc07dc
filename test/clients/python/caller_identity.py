"""Prints the caller identity as a pod sees it: boto3's default credential chain (web identity token file)."""
import json

import boto3

identity = boto3.client("sts").get_caller_identity()
print(json.dumps({"Account": identity["Account"], "Arn": identity["Arn"], "UserId": identity["UserId"]}))
