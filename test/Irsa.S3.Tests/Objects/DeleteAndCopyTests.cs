using System.Text;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Objects;

public sealed class DeleteAndCopyTests : IAsyncLifetime
{
    private const string Bucket = "copies";
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static byte[] DeleteXml(bool quiet, params string[] keys) => Encoding.UTF8.GetBytes(
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + (quiet ? "<Quiet>true</Quiet>" : "")
        + string.Concat(keys.Select(k => $"<Object><Key>{k}</Key><VersionId>null</VersionId></Object>")) + "</Delete>");

    private Task<S3Result> DeleteObjectsAsync(byte[] body, string checksumHeader = "Content-MD5") =>
        _host.SendAsync("POST", Bucket, query: "delete", body: body,
            headers: checksumHeader == "Content-MD5" ? [("Content-MD5", TestData.Md5Base64(body))] : checksumHeader.Length == 0 ? [] : [(checksumHeader, "CRC32")]);

    [Fact]
    public async Task DeleteObjects_reports_each_key_and_counts_missing_keys_as_deleted()
    {
        await _host.PutAsync(Bucket, "a", "1");
        await _host.PutAsync(Bucket, "b", "2");
        var result = (await DeleteObjectsAsync(DeleteXml(false, "a", "b", "never-existed"))).EnsureSuccess();
        Assert.Equal(["a", "b", "never-existed"], result.Values("Deleted/Key"));
        Assert.Equal(["null", "null", "null"], result.Values("Deleted/VersionId"));
        Assert.Empty(result.Values("Error/Key"));
        Assert.Empty((await _host.SendAsync("GET", Bucket, query: "list-type=2")).Values("Contents/Key"));
    }

    [Fact]
    public async Task DeleteObjects_authorizes_each_key_and_quiet_lists_only_errors()
    {
        await _host.PutAsync(Bucket, "open", "1");
        await _host.PutAsync(Bucket, "locked", "2");
        _host.Allow = (action, arn) => !(action == "s3:DeleteObject" && arn == "arn:aws:s3:::copies/locked");
        var result = (await DeleteObjectsAsync(DeleteXml(true, "open", "locked"), "x-amz-sdk-checksum-algorithm")).EnsureSuccess();
        Assert.Empty(result.Values("Deleted/Key"));
        Assert.Equal(["locked"], result.Values("Error/Key"));
        Assert.Equal(["AccessDenied"], result.Values("Error/Code"));
        Assert.Equal(["arn:aws:s3:::copies/open", "arn:aws:s3:::copies/locked"],
            _host.AuthorizeCalls.Where(c => c.Action == "s3:DeleteObject").Select(c => c.Arn));
        Assert.Equal("2", (await _host.SendAsync("GET", Bucket, "locked")).Text);
    }

    [Fact]
    public async Task DeleteObjects_limits_and_required_digest()
    {
        (await DeleteObjectsAsync(DeleteXml(false, [.. Enumerable.Range(0, 1001).Select(i => "k" + i)]))).AssertError("MalformedXML", 400);
        (await DeleteObjectsAsync(Encoding.UTF8.GetBytes("<Delete>"))).AssertError("MalformedXML", 400);
        (await DeleteObjectsAsync(DeleteXml(false, "a"), "")).AssertError("InvalidRequest", 400);
        (await DeleteObjectsAsync(DeleteXml(false, [.. Enumerable.Range(0, 1000).Select(i => "k" + i)]))).EnsureSuccess();
    }

    [Fact]
    public async Task Copy_keeps_metadata_by_default_and_replaces_it_on_request()
    {
        await _host.PutAsync(Bucket, "src", "content", ("Content-Type", "text/plain"), ("x-amz-meta-a", "1"));
        _host.Now = _host.Now.AddMinutes(1);
        var copy = (await _host.SendAsync("PUT", Bucket, "dst", headers: [("x-amz-copy-source", "/copies/src")])).EnsureSuccess();
        Assert.Equal("CopyObjectResult", copy.Xml.Name.LocalName);
        Assert.Equal("\"" + TestData.Md5Hex(Encoding.UTF8.GetBytes("content")) + "\"", copy.Value("ETag"));
        Assert.Equal("2026-08-07T12:01:00.000Z", copy.Value("LastModified"));
        var copied = await _host.SendAsync("GET", Bucket, "dst");
        Assert.Equal("content", copied.Text);
        Assert.Equal("text/plain", copied.Header("Content-Type"));
        Assert.Equal("1", copied.Header("x-amz-meta-a"));
        Assert.Contains(("s3:GetObject", "arn:aws:s3:::copies/src"), _host.AuthorizeCalls);

        (await _host.SendAsync("PUT", Bucket, "dst", headers: [("x-amz-copy-source", "copies/src"), ("x-amz-metadata-directive", "REPLACE"),
            ("Content-Type", "image/png"), ("x-amz-meta-b", "2")])).EnsureSuccess();
        var replaced = await _host.SendAsync("HEAD", Bucket, "dst");
        Assert.Equal("image/png", replaced.Header("Content-Type"));
        Assert.Null(replaced.Header("x-amz-meta-a"));
        Assert.Equal("2", replaced.Header("x-amz-meta-b"));
    }

    [Fact]
    public async Task Copy_source_keys_are_percent_decoded()
    {
        await _host.PutAsync(Bucket, "dir/a b+c?", "x");
        (await _host.SendAsync("PUT", Bucket, "out", headers: [("x-amz-copy-source", "copies/dir/a%20b%2Bc%3F?versionId=null")])).EnsureSuccess();
        Assert.Equal("x", (await _host.SendAsync("GET", Bucket, "out")).Text);
    }

    [Fact]
    public async Task Copy_onto_itself_needs_REPLACE()
    {
        await _host.PutAsync(Bucket, "self", "x");
        (await _host.SendAsync("PUT", Bucket, "self", headers: [("x-amz-copy-source", "copies/self")])).AssertError("InvalidRequest", 400);
        (await _host.SendAsync("PUT", Bucket, "self", headers: [("x-amz-copy-source", "copies/self"), ("x-amz-metadata-directive", "REPLACE"),
            ("x-amz-meta-new", "1")])).EnsureSuccess();
        Assert.Equal("1", (await _host.SendAsync("HEAD", Bucket, "self")).Header("x-amz-meta-new"));
        Assert.Equal("x", (await _host.SendAsync("GET", Bucket, "self")).Text);
    }

    [Fact]
    public async Task Copy_errors()
    {
        await _host.PutAsync(Bucket, "src", "x");
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "copies/missing")])).AssertError("NoSuchKey", 404);
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "no-bucket/src")])).AssertError("NoSuchBucket", 404);
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "nokey")])).AssertError("InvalidArgument", 400);
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "copies/src"), ("x-amz-copy-source-if-match", "\"bad\"")]))
            .AssertError("PreconditionFailed", 412);
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "copies/src"),
            ("x-amz-copy-source-if-none-match", "\"" + TestData.Md5Hex("x"u8.ToArray()) + "\"")])).AssertError("PreconditionFailed", 412);

        _host.Allow = (action, arn) => !(action == "s3:GetObject" && arn == "arn:aws:s3:::copies/src");
        (await _host.SendAsync("PUT", Bucket, "d", headers: [("x-amz-copy-source", "copies/src")])).AssertError("AccessDenied", 403);
        (await _host.SendAsync("HEAD", Bucket, "d")).AssertError("NoSuchKey", 404);
    }

    [Fact]
    public async Task Copy_to_another_bucket_and_of_an_empty_object()
    {
        await _host.CreateBucketAsync("other");
        await _host.PutAsync(Bucket, "empty", "");
        var copy = (await _host.SendAsync("PUT", "other", "empty", headers: [("x-amz-copy-source", "copies/empty")])).EnsureSuccess();
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", copy.Value("ETag"));
        Assert.Equal(0, (await _host.SendAsync("HEAD", "other", "empty")).Response!.ContentLength);
    }
}
