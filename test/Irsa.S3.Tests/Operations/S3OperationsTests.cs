using Irsa.Core.Aws;
using Irsa.S3.Operations;
using Irsa.S3.Protocol;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Operations;

public sealed class S3OperationsTests : IAsyncLifetime
{
    private S3TestHost _host = null!;

    public async Task InitializeAsync() => _host = await S3TestHost.CreateAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private S3ResolvedOperation Resolve(string method, string? bucket, string? key, string? query = null, params (string, string)[] headers) =>
        _host.Engine.Operations.Resolve(method, bucket, key, S3TestHost.ParseQuery(query),
            new S3Headers(headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));

    [Theory]
    [InlineData("GET", null, null, null, null, "ListBuckets", "s3:ListAllMyBuckets", "*")]
    [InlineData("PUT", "b", null, null, null, "CreateBucket", "s3:CreateBucket", "arn:aws:s3:::b")]
    [InlineData("DELETE", "b", null, null, null, "DeleteBucket", "s3:DeleteBucket", "arn:aws:s3:::b")]
    [InlineData("HEAD", "b", null, null, null, "HeadBucket", "s3:ListBucket", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "location", null, "GetBucketLocation", "s3:GetBucketLocation", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, null, null, "ListObjects", "s3:ListBucket", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "list-type=2", null, "ListObjectsV2", "s3:ListBucket", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "versions", null, "ListObjectVersions", "s3:ListBucketVersions", "arn:aws:s3:::b")]
    [InlineData("PUT", "b", null, "policy", null, "PutBucketPolicy", "s3:PutBucketPolicy", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "policy", null, "GetBucketPolicy", "s3:GetBucketPolicy", "arn:aws:s3:::b")]
    [InlineData("DELETE", "b", null, "policy", null, "DeleteBucketPolicy", "s3:DeleteBucketPolicy", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "policyStatus", null, "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", "arn:aws:s3:::b")]
    [InlineData("GET", "b", null, "uploads", null, "ListMultipartUploads", "s3:ListBucketMultipartUploads", "arn:aws:s3:::b")]
    [InlineData("POST", "b", null, "delete&x-id=DeleteObjects", null, "DeleteObjects", "s3:DeleteObject", "arn:aws:s3:::b")]
    [InlineData("PUT", "b", "k/x", "x-id=PutObject", null, "PutObject", "s3:PutObject", "arn:aws:s3:::b/k/x")]
    [InlineData("GET", "b", "k", null, null, "GetObject", "s3:GetObject", "arn:aws:s3:::b/k")]
    [InlineData("HEAD", "b", "k", null, null, "HeadObject", "s3:GetObject", "arn:aws:s3:::b/k")]
    [InlineData("DELETE", "b", "k", null, null, "DeleteObject", "s3:DeleteObject", "arn:aws:s3:::b/k")]
    [InlineData("PUT", "b", "k", null, "b/src", "CopyObject", "s3:PutObject", "arn:aws:s3:::b/k")]
    [InlineData("POST", "b", "k", "uploads", null, "CreateMultipartUpload", "s3:PutObject", "arn:aws:s3:::b/k")]
    [InlineData("PUT", "b", "k", "partNumber=1&uploadId=u", null, "UploadPart", "s3:PutObject", "arn:aws:s3:::b/k")]
    [InlineData("PUT", "b", "k", "partNumber=1&uploadId=u", "b/src", "UploadPartCopy", "s3:PutObject", "arn:aws:s3:::b/k")]
    [InlineData("POST", "b", "k", "uploadId=u", null, "CompleteMultipartUpload", "s3:PutObject", "arn:aws:s3:::b/k")]
    [InlineData("DELETE", "b", "k", "uploadId=u", null, "AbortMultipartUpload", "s3:AbortMultipartUpload", "arn:aws:s3:::b/k")]
    [InlineData("GET", "b", "k", "uploadId=u", null, "ListParts", "s3:ListMultipartUploadParts", "arn:aws:s3:::b/k")]
    public void Requests_resolve_to_operation_action_and_resource(string method, string? bucket, string? key, string? query, string? copySource,
        string name, string action, string arn)
    {
        var resolved = Resolve(method, bucket, key, query, copySource is null ? [] : [("x-amz-copy-source", copySource)]);
        Assert.Equal(name, resolved.Operation.Name);
        Assert.Equal(action, resolved.Operation.Action);
        Assert.Equal(arn, resolved.ResourceArn);
    }

    [Fact]
    public void The_catalog_has_every_operation_once() => Assert.Equal(25, _host.Engine.Operations.All.Count);

    [Theory]
    [InlineData("GetObject", true, true)]
    [InlineData("HeadBucket", true, true)]
    [InlineData("ListObjectsV2", true, true)]
    [InlineData("PutObject", false, true)]
    [InlineData("CreateBucket", false, false)]
    [InlineData("ListBuckets", true, false)]
    [InlineData("GetBucketPolicy", true, false)]
    public void Cloudtrail_categories(string name, bool readOnly, bool dataEvent)
    {
        var operation = _host.Engine.Operations[name];
        Assert.Equal(readOnly, operation.ReadOnly);
        Assert.Equal(dataEvent, operation.IsDataEvent);
    }

    [Fact]
    public void Only_DeleteObjects_is_authorized_per_key_and_only_Complete_reads_checksum_headers_as_the_objects()
    {
        Assert.Equal(["DeleteObjects"], _host.Engine.Operations.All.Where(o => o.AuthorizedPerKey).Select(o => o.Name));
        Assert.Equal(["CompleteMultipartUpload"], _host.Engine.Operations.All.Where(o => !o.ChecksumHeadersDescribeBody).Select(o => o.Name));
    }

    [Fact]
    public void List_calls_supply_prefix_delimiter_and_max_keys_condition_keys()
    {
        var resolved = Resolve("GET", "b", null, "list-type=2&prefix=&delimiter=/&max-keys=10&encoding-type=url");
        Assert.Equal("", resolved.ConditionKeys["s3:prefix"]);
        Assert.Equal("/", resolved.ConditionKeys["s3:delimiter"]);
        Assert.Equal("10", resolved.ConditionKeys["s3:max-keys"]);
        Assert.False(resolved.ConditionKeys.ContainsKey("s3:encoding-type"));
        var copy = Resolve("PUT", "b", "k", null, ("x-amz-copy-source", "/src/a%20b"), ("x-amz-metadata-directive", "REPLACE"));
        Assert.Equal("src/a b", copy.ConditionKeys["s3:x-amz-copy-source"]);
        Assert.Equal("REPLACE", copy.ConditionKeys["s3:x-amz-metadata-directive"]);
    }

    [Theory]
    [InlineData("GET", "b", null, "acl", "NotImplemented", 501)]
    [InlineData("PUT", "b", "k", "tagging", "NotImplemented", 501)]
    [InlineData("POST", "b", null, null, "NotImplemented", 501)]
    [InlineData("POST", "b", "k", null, "NotImplemented", 501)]
    [InlineData("PATCH", "b", "k", null, "MethodNotAllowed", 405)]
    [InlineData("PUT", null, null, null, "MethodNotAllowed", 405)]
    public void Unknown_combinations_are_S3_errors(string method, string? bucket, string? key, string? query, string code, int status)
    {
        var error = Assert.Throws<AwsErrorException>(() => Resolve(method, bucket, key, query));
        Assert.Equal(code, error.Error.Code);
        Assert.Equal(status, error.Error.StatusCode);
    }
}
