using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Objects;

public sealed class ObjectTests : IAsyncLifetime
{
    private const string Bucket = "objects";
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Put_then_get_round_trips_bytes_etag_and_stored_headers()
    {
        var put = (await _host.PutAsync(Bucket, "doc.txt", "bar",
            ("Content-Type", "text/plain"), ("Cache-Control", "max-age=60"), ("Content-Disposition", "attachment"),
            ("Content-Language", "fr"), ("Expires", "Fri, 07 Aug 2026 13:00:00 GMT"), ("Content-Encoding", "gzip"),
            ("X-Amz-Meta-Color", "Hello World\u00e9"), ("x-amz-meta-empty", ""))).EnsureSuccess();
        Assert.Equal("\"37b51d194a7513e45b56f6524f2d51f2\"", put.Header("ETag"));
        Assert.Equal(3, put.Response!.BytesTransferredIn);

        var get = (await _host.SendAsync("GET", Bucket, "doc.txt")).EnsureSuccess();
        Assert.Equal("bar", get.Text);
        Assert.Equal(200, get.Status);
        Assert.Equal(3, get.Response!.ContentLength);
        Assert.Equal(3, get.Response.BytesTransferredOut);
        Assert.Equal("\"37b51d194a7513e45b56f6524f2d51f2\"", get.Header("ETag"));
        Assert.Equal("Fri, 07 Aug 2026 12:00:00 GMT", get.Header("Last-Modified"));
        Assert.Equal("text/plain", get.Header("Content-Type"));
        Assert.Equal("max-age=60", get.Header("Cache-Control"));
        Assert.Equal("attachment", get.Header("Content-Disposition"));
        Assert.Equal("fr", get.Header("Content-Language"));
        Assert.Equal("gzip", get.Header("Content-Encoding"));
        Assert.Equal("Fri, 07 Aug 2026 13:00:00 GMT", get.Header("Expires"));
        Assert.Equal("bytes", get.Header("Accept-Ranges"));
        Assert.Equal("Hello World\u00e9", get.Header("x-amz-meta-color"));
        Assert.Equal("", get.Header("x-amz-meta-empty"));
    }

    [Fact]
    public async Task A_new_put_replaces_metadata_and_content_whole()
    {
        await _host.PutAsync(Bucket, "k", "first", ("x-amz-meta-old", "1"));
        await _host.PutAsync(Bucket, "k", "second");
        var get = await _host.SendAsync("GET", Bucket, "k");
        Assert.Equal("second", get.Text);
        Assert.Null(get.Header("x-amz-meta-old"));
        Assert.Equal("binary/octet-stream", get.Header("Content-Type"));
        Assert.Single(_host.BlobFiles()); // the replaced blob is gone
    }

    [Theory]
    [InlineData("aws-chunked", null)]
    [InlineData("aws-chunked,gzip", "gzip")]
    [InlineData("gzip, aws-chunked", "gzip")]
    [InlineData("deflate, gzip", "deflate, gzip")]
    [InlineData("deflate,aws-chunked,gzip", "deflate, gzip")]
    public async Task Aws_chunked_is_never_stored_as_content_encoding_and_other_values_are_kept_as_sent(string sent, string? stored)
    {
        await _host.PutAsync(Bucket, "chunked", "x", ("Content-Encoding", sent));
        Assert.Equal(stored, (await _host.SendAsync("HEAD", Bucket, "chunked")).Header("Content-Encoding"));
    }

    [Fact]
    public async Task Head_has_the_headers_and_no_body()
    {
        await _host.PutAsync(Bucket, "h", "12345");
        var head = (await _host.SendAsync("HEAD", Bucket, "h")).EnsureSuccess();
        Assert.Empty(head.Body);
        Assert.Null(head.Response!.BodyWriter);
        Assert.Equal(5, head.Response.ContentLength);
        Assert.Equal(0, head.Response.BytesTransferredOut);
        Assert.Equal("\"827ccb0eea8a706c4c34a16891f84e7b\"", head.Header("ETag"));
    }

    [Fact]
    public async Task Head_of_an_empty_object_has_length_zero()
    {
        await _host.PutAsync(Bucket, "empty", "");
        var head = (await _host.SendAsync("HEAD", Bucket, "empty")).EnsureSuccess();
        Assert.Equal(0, head.Response!.ContentLength);
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", head.Header("ETag"));
    }

    [Fact]
    public async Task A_missing_key_is_NoSuchKey_only_for_callers_who_may_list_the_bucket()
    {
        var error = (await _host.SendAsync("GET", Bucket, "absent")).AssertError("NoSuchKey", 404);
        Assert.Contains(new KeyValuePair<string, string>("Key", "absent"), error.Details);
        Assert.Contains(("s3:ListBucket", "arn:aws:s3:::objects"), _host.AuthorizeCalls);

        _host.Allow = (action, _) => action != "s3:ListBucket";
        (await _host.SendAsync("GET", Bucket, "absent")).AssertError("AccessDenied", 403);
        (await _host.SendAsync("HEAD", Bucket, "absent")).AssertError("AccessDenied", 403);
    }

    [Fact]
    public async Task Objects_in_a_missing_bucket_are_NoSuchBucket()
    {
        (await _host.PutAsync("no-such-bucket", "k", "v")).AssertError("NoSuchBucket", 404);
        (await _host.SendAsync("GET", "no-such-bucket", "k")).AssertError("NoSuchBucket", 404);
    }

    [Fact]
    public async Task Delete_is_idempotent()
    {
        await _host.PutAsync(Bucket, "gone", "v");
        Assert.Equal(204, (await _host.SendAsync("DELETE", Bucket, "gone")).Status);
        Assert.Equal(204, (await _host.SendAsync("DELETE", Bucket, "gone")).Status);
        (await _host.SendAsync("GET", Bucket, "gone")).AssertError("NoSuchKey", 404);
        Assert.Empty(_host.BlobFiles());
    }

    [Theory]
    [InlineData("bytes=4-7", 206, "4567", "bytes 4-7/10")]
    [InlineData("bytes=4-", 206, "456789", "bytes 4-9/10")]
    [InlineData("bytes=-3", 206, "789", "bytes 7-9/10")]
    [InlineData("bytes=5-100", 206, "56789", "bytes 5-9/10")]
    [InlineData("bytes=-100", 206, "0123456789", "bytes 0-9/10")]
    [InlineData("bytes=0-1,3-4", 200, "0123456789", null)]
    [InlineData("lines=1-2", 200, "0123456789", null)]
    public async Task Ranges(string range, int status, string body, string? contentRange)
    {
        await _host.PutAsync(Bucket, "digits", "0123456789");
        var get = (await _host.SendAsync("GET", Bucket, "digits", headers: [("Range", range)])).EnsureSuccess();
        Assert.Equal(status, get.Status);
        Assert.Equal(body, get.Text);
        Assert.Equal(body.Length, get.Response!.ContentLength);
        Assert.Equal(contentRange, get.Header("Content-Range"));
    }

    [Theory]
    [InlineData("bytes=40-50", "0123456789")]
    [InlineData("bytes=10-", "0123456789")]
    [InlineData("bytes=0-", "")]
    [InlineData("bytes=-1", "")]
    public async Task Unsatisfiable_ranges_are_InvalidRange(string range, string content)
    {
        await _host.PutAsync(Bucket, "r", content);
        var error = (await _host.SendAsync("GET", Bucket, "r", headers: [("Range", range)])).AssertError("InvalidRange", 416);
        Assert.Contains(new KeyValuePair<string, string>("RangeRequested", range), error.Details);
        Assert.Contains(new KeyValuePair<string, string>("ActualObjectSize", content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), error.Details);
    }

    [Theory]
    [InlineData("If-Match", "\"37b51d194a7513e45b56f6524f2d51f2\"", 200)]
    [InlineData("If-Match", "37b51d194a7513e45b56f6524f2d51f2", 200)]
    [InlineData("If-Match", "\"nope\"", 412)]
    [InlineData("If-Match", "*", 200)]
    [InlineData("If-None-Match", "\"37b51d194a7513e45b56f6524f2d51f2\"", 304)]
    [InlineData("If-None-Match", "\"nope\"", 200)]
    [InlineData("If-Modified-Since", "Fri, 07 Aug 2026 12:00:00 GMT", 304)]
    [InlineData("If-Modified-Since", "Fri, 07 Aug 2026 11:59:59 GMT", 200)]
    [InlineData("If-Unmodified-Since", "Fri, 07 Aug 2026 11:59:59 GMT", 412)]
    [InlineData("If-Unmodified-Since", "Fri, 07 Aug 2026 12:00:00 GMT", 200)]
    public async Task Conditional_gets(string header, string value, int status)
    {
        await _host.PutAsync(Bucket, "cond", "bar");
        var result = await _host.SendAsync("GET", Bucket, "cond", headers: [(header, value)]);
        Assert.Equal(status, result.Status);
        if (status == 412)
        {
            result.AssertError("PreconditionFailed", 412);
        }

        if (status == 304)
        {
            Assert.Empty(result.Body);
            Assert.Equal("\"37b51d194a7513e45b56f6524f2d51f2\"", result.Header("ETag"));
            Assert.NotNull(result.Header("Last-Modified"));
        }
    }

    [Fact]
    public async Task If_match_that_holds_overrides_a_failing_if_unmodified_since()
    {
        await _host.PutAsync(Bucket, "cond", "bar");
        var result = await _host.SendAsync("GET", Bucket, "cond",
            headers: [("If-Match", "\"37b51d194a7513e45b56f6524f2d51f2\""), ("If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT")]);
        Assert.Equal(200, result.EnsureSuccess().Status);
    }

    [Fact]
    public async Task If_none_match_decides_alone_over_if_modified_since()
    {
        await _host.PutAsync(Bucket, "cond", "bar");
        var result = await _host.SendAsync("GET", Bucket, "cond",
            headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", "Sat, 01 Jan 2028 00:00:00 GMT")]);
        Assert.Equal(200, result.EnsureSuccess().Status);
    }

    [Fact]
    public async Task Conditional_puts()
    {
        await _host.PutAsync(Bucket, "cp", "bar");
        (await _host.PutAsync(Bucket, "cp", "new", ("If-None-Match", "*"))).AssertError("PreconditionFailed", 412);
        (await _host.PutAsync(Bucket, "cp", "new", ("If-Match", "\"wrong\""))).AssertError("PreconditionFailed", 412);
        (await _host.PutAsync(Bucket, "cp", "new", ("If-Match", "\"37b51d194a7513e45b56f6524f2d51f2\""))).EnsureSuccess();
        (await _host.PutAsync(Bucket, "fresh", "v", ("If-None-Match", "*"))).EnsureSuccess();
        Assert.Equal("new", (await _host.SendAsync("GET", Bucket, "cp")).Text);
        Assert.Single(_host.BlobFiles(), f => File.ReadAllText(f) == "new");
        Assert.Equal(2, _host.BlobFiles().Count); // refused writes left no blobs
    }

    [Fact]
    public async Task Response_parameters_override_stored_headers()
    {
        await _host.PutAsync(Bucket, "o", "v", ("Content-Type", "text/plain"));
        var get = await _host.SendAsync("GET", Bucket, "o",
            query: "response-content-type=application/json&response-cache-control=no-cache&response-content-disposition=inline&response-expires=0");
        Assert.Equal("application/json", get.Header("Content-Type"));
        Assert.Equal("no-cache", get.Header("Cache-Control"));
        Assert.Equal("inline", get.Header("Content-Disposition"));
        Assert.Equal("0", get.Header("Expires"));
    }

    [Fact]
    public async Task Keys_longer_than_1024_bytes_are_KeyTooLongError() =>
        (await _host.PutAsync(Bucket, new string('\u00e9', 513), "v")).AssertError("KeyTooLongError", 400);

    [Fact]
    public async Task Metadata_over_2_KB_is_MetadataTooLarge() =>
        (await _host.PutAsync(Bucket, "m", "v", ("x-amz-meta-big", new string('x', 2100)))).AssertError("MetadataTooLarge", 400);

    [Fact]
    public async Task A_declared_size_over_5_GiB_is_EntityTooLarge_without_reading_the_body()
    {
        var error = (await _host.PutAsync(Bucket, "huge", "", ("Content-Length", "5368709121"))).AssertError("EntityTooLarge", 400);
        Assert.Contains(new KeyValuePair<string, string>("MaxSizeAllowed", "5368709120"), error.Details);
    }

    [Fact]
    public async Task A_body_that_grows_past_the_limit_is_EntityTooLarge_and_leaves_no_file()
    {
        await using var host = await S3TestHost.CreateAsync(new S3EngineOptions { MaxObjectSize = 100_000 });
        await host.CreateBucketAsync(Bucket);
        (await host.SendAsync("PUT", Bucket, "big", body: new byte[200_000])).AssertError("EntityTooLarge", 400);
        Assert.Empty(host.BlobFiles());
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", "AAAAAA==", "BadDigest")]
    [InlineData("Content-MD5", "rL0Y20zC+Fzt72VPzMSk2A==", "BadDigest")]
    [InlineData("x-amz-content-sha256", "0000000000000000000000000000000000000000000000000000000000000000", "XAmzContentSHA256Mismatch")]
    public async Task A_failing_integrity_check_stores_nothing(string header, string value, string code)
    {
        await _host.PutAsync(Bucket, "kept", "old");
        (await _host.SendAsync("PUT", Bucket, "checked", headers: [(header, value)], body: new byte[100_000])).AssertError(code, 400);
        (await _host.PutAsync(Bucket, "kept", "new", (header, value))).AssertError(code, 400);
        (await _host.SendAsync("HEAD", Bucket, "checked")).AssertError("NoSuchKey", 404);
        Assert.Equal("old", (await _host.SendAsync("GET", Bucket, "kept")).Text);
        Assert.Single(_host.BlobFiles()); // only "kept"'s blob: no temporary file survives
    }

    [Fact]
    public async Task Checksums_are_stored_and_returned_only_with_checksum_mode_and_never_on_a_range()
    {
        var put = (await _host.PutAsync(Bucket, "sum", "hello world", ("x-amz-checksum-crc32", "DUoRhQ=="))).EnsureSuccess();
        Assert.Equal("DUoRhQ==", put.Header("x-amz-checksum-crc32"));

        Assert.Null((await _host.SendAsync("GET", Bucket, "sum")).Header("x-amz-checksum-crc32"));
        var enabled = await _host.SendAsync("HEAD", Bucket, "sum", headers: [("x-amz-checksum-mode", "ENABLED")]);
        Assert.Equal("DUoRhQ==", enabled.Header("x-amz-checksum-crc32"));
        Assert.Equal("FULL_OBJECT", enabled.Header("x-amz-checksum-type"));
        var ranged = await _host.SendAsync("GET", Bucket, "sum", headers: [("x-amz-checksum-mode", "ENABLED"), ("Range", "bytes=0-4")]);
        Assert.Equal(206, ranged.Status);
        Assert.Null(ranged.Header("x-amz-checksum-crc32"));
    }

    [Fact]
    public async Task An_sdk_algorithm_without_a_value_is_computed_and_stored()
    {
        await _host.PutAsync(Bucket, "computed", "123456789", ("x-amz-sdk-checksum-algorithm", "CRC64NVME"));
        var head = await _host.SendAsync("HEAD", Bucket, "computed", headers: [("x-amz-checksum-mode", "ENABLED")]);
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("AE8B14860A799888")), head.Header("x-amz-checksum-crc64nvme"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a//b")]
    [InlineData("./x")]
    [InlineData("..")]
    [InlineData("/leading")]
    public async Task Path_like_keys_are_stored_and_listed_verbatim_inside_the_root(string key)
    {
        (await _host.PutAsync(Bucket, key, "payload")).EnsureSuccess();
        Assert.Equal("payload", (await _host.SendAsync("GET", Bucket, key)).Text);
        Assert.Equal([key], (await _host.SendAsync("GET", Bucket, query: "list-type=2")).Values("Contents/Key"));
        var root = Path.GetFullPath(_host.BlobRoot) + Path.DirectorySeparatorChar;
        Assert.All(_host.BlobFiles(), f => Assert.StartsWith(root, Path.GetFullPath(f), StringComparison.Ordinal));
        Assert.All(_host.BlobFiles(), f => Assert.DoesNotContain("passwd", f, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_host.Root, "etc", "passwd")));
    }

    [Fact]
    public async Task Get_of_part_1_of_a_single_part_object_is_everything_and_part_2_is_InvalidPart()
    {
        await _host.PutAsync(Bucket, "single", "abc");
        var part = (await _host.SendAsync("GET", Bucket, "single", query: "partNumber=1")).EnsureSuccess();
        Assert.Equal("abc", part.Text);
        (await _host.SendAsync("GET", Bucket, "single", query: "partNumber=2")).AssertError("InvalidPart", 400);
    }

    [Fact]
    public async Task A_version_id_other_than_null_is_refused()
    {
        await _host.PutAsync(Bucket, "v", "x");
        (await _host.SendAsync("GET", Bucket, "v", query: "versionId=null")).EnsureSuccess();
        (await _host.SendAsync("GET", Bucket, "v", query: "versionId=abc")).AssertError("InvalidArgument", 400);
    }
}
