"""Runs the AWS CLI's own `cloudtrail validate-logs` command over buckets kept as folders.

The installed awscli package does the whole validation (listing digests, loading public keys, checking signatures,
chains and log hashes, and its output); only its two clients are stand-ins: an S3 client reading
DirectoryTrailObjectStore's folders (ROOT/BUCKET/KEY and KEY.metadata.json) and a CloudTrail client answering
DescribeTrails and ListPublicKeys with the responses Irsa gave, as the CLI receives them (blobs left base64).

usage: validate_logs_offline.py ROOT DESCRIBE_TRAILS_JSON LIST_PUBLIC_KEYS_JSON TRAIL_ARN START END REGION
Exit status, stdout and stderr are validate-logs' own.
"""
import io
import json
import os
import sys

from awscli.customizations.cloudtrail import validation
from botocore.exceptions import ClientError

METADATA_SUFFIX = '.metadata.json'


class FolderS3Client:
    def __init__(self, root):
        self._root = root

    def _path(self, bucket, key):
        return os.path.join(self._root, bucket, *key.split('/'))

    def get_object(self, Bucket, Key):
        path = self._path(Bucket, Key)
        if not os.path.isfile(path):
            raise ClientError({'Error': {'Code': 'NoSuchKey', 'Message': 'The specified key does not exist.'}}, 'GetObject')
        with open(path + METADATA_SUFFIX, encoding='utf-8') as metadata:
            head = json.load(metadata)
        with open(path, 'rb') as body:
            content = body.read()
        return {'Body': io.BytesIO(content), 'Metadata': head['Metadata'], 'ContentType': head['ContentType'],
                'ContentEncoding': head['ContentEncoding']}

    def get_paginator(self, name):
        if name != 'list_objects':
            raise NotImplementedError(name)
        return self

    def paginate(self, Bucket, Marker, Prefix):
        bucket = os.path.join(self._root, Bucket)
        keys = []
        for folder, _, files in os.walk(bucket):
            for file in files:
                if not file.endswith(METADATA_SUFFIX):
                    keys.append(os.path.relpath(os.path.join(folder, file), bucket).replace(os.sep, '/'))
        # ListObjects: keys after the marker, under the prefix, in UTF-8 binary order.
        return FolderPages(sorted(k for k in keys if k.startswith(Prefix) and k > Marker))


class FolderPages:
    def __init__(self, keys):
        self._keys = keys

    def search(self, expression):
        if expression != 'Contents[*].Key':
            raise NotImplementedError(expression)
        return iter(self._keys)


class FolderS3ClientProvider:
    def __init__(self, root):
        self._client = FolderS3Client(root)

    def get_client(self, bucket_name):
        return self._client


class RecordedCloudTrailClient:
    def __init__(self, describe_trails, list_public_keys):
        self._describe_trails = describe_trails
        self._list_public_keys = list_public_keys

    def describe_trails(self, **kwargs):
        return self._describe_trails

    def list_public_keys(self, StartTime, EndTime):
        return self._list_public_keys


def main(root, describe_trails, list_public_keys, trail_arn, start, end, region):
    with open(describe_trails, encoding='utf-8') as trails, open(list_public_keys, encoding='utf-8') as keys:
        cloudtrail = RecordedCloudTrailClient(json.load(trails), json.load(keys))
    command = validation.CloudTrailValidateLogs(session=None)
    command.trail_arn = trail_arn
    command.is_verbose = True
    command.s3_bucket = None
    command.s3_prefix = None
    command.account_id = None
    command.start_time = validation.normalize_date(validation.parse_date(start))
    command.end_time = validation.normalize_date(validation.parse_date(end))
    command.s3_client_provider = FolderS3ClientProvider(root)
    command.cloudtrail_client = cloudtrail
    command.organization_client = None
    command._source_region = region
    command._call()
    return 1 if command._invalid_digests or command._invalid_logs else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:8]))
