using System.Security.Cryptography;
using System.Text;
using Irsa.S3.Integrity;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Multipart;

public sealed class MultipartTests : IAsyncLifetime
{
    private const string Bucket = "multi";
    private static readonly byte[] PartA = TestData.Repeat('A', 5 * TestData.MiB);
    private static readonly byte[] PartB = TestData.Repeat('B', 5 * TestData.MiB);
    private static readonly byte[] PartC = TestData.Repeat('C', 5 * TestData.MiB);
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> CreateAsync(string key, params (string, string)[] headers) =>
        (await _host.SendAsync("POST", Bucket, key, query: "uploads", headers: headers)).EnsureSuccess().Value("UploadId");

    private async Task<string> UploadPartAsync(string key, string uploadId, int number, byte[] data, params (string, string)[] headers) =>
        (await _host.SendAsync("PUT", Bucket, key, query: $"partNumber={number}&uploadId={uploadId}", headers: headers, body: data))
            .EnsureSuccess().Header("ETag")!;

    private Task<S3Result> CompleteAsync(string key, string uploadId, string partsXml, params (string, string)[] headers) =>
        _host.SendAsync("POST", Bucket, key, query: "uploadId=" + uploadId, headers: headers,
            body: Encoding.UTF8.GetBytes($"<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{partsXml}</CompleteMultipartUpload>"));

    private static string Part(int number, string etag, string extra = "") => $"<Part><PartNumber>{number}</PartNumber><ETag>{etag}</ETag>{extra}</Part>";

    [Fact]
    public async Task Three_parts_give_the_multipart_etag_and_the_concatenated_object()
    {
        var uploadId = await CreateAsync("abc");
        var etags = new[] { PartA, PartB, PartC }.Select((data, i) => (i + 1, data)).ToList();
        var parts = new List<string>();
        foreach (var (number, data) in etags)
        {
            var etag = await UploadPartAsync("abc", uploadId, number, data);
            Assert.Equal("\"" + TestData.Md5Hex(data) + "\"", etag);
            parts.Add(Part(number, etag));
        }

        var complete = (await CompleteAsync("abc", uploadId, string.Concat(parts))).EnsureSuccess();
#pragma warning disable CA5351
        var expected = Convert.ToHexStringLower(MD5.HashData([.. MD5.HashData(PartA), .. MD5.HashData(PartB), .. MD5.HashData(PartC)])) + "-3";
#pragma warning restore CA5351
        Assert.Equal("b2add96cc9702bbf4efb0ccdfc6b7747-3", expected);
        Assert.Equal("\"" + expected + "\"", complete.Value("ETag"));
        Assert.Equal("abc", complete.Value("Key"));

        var get = (await _host.SendAsync("GET", Bucket, "abc")).EnsureSuccess();
        Assert.Equal(15 * TestData.MiB, get.Body.Length);
        Assert.True(get.Body.AsSpan(5 * TestData.MiB, 5 * TestData.MiB).SequenceEqual(PartB));
        Assert.Equal("\"" + expected + "\"", get.Header("ETag"));

        var part2 = (await _host.SendAsync("GET", Bucket, "abc", query: "partNumber=2")).EnsureSuccess();
        Assert.Equal(206, part2.Status);
        Assert.Equal("3", part2.Header("x-amz-mp-parts-count"));
        Assert.Equal($"bytes {5 * TestData.MiB}-{(10 * TestData.MiB) - 1}/{15 * TestData.MiB}", part2.Header("Content-Range"));
        Assert.True(part2.Body.AsSpan().SequenceEqual(PartB));

        (await _host.SendAsync("GET", Bucket, "abc", query: "partNumber=4")).AssertError("InvalidPartNumber", 416);

        // Parts' blobs are released: only the assembled object remains.
        Assert.Single(_host.BlobFiles());

        // A repeated Complete answers the same.
        var again = (await CompleteAsync("abc", uploadId, string.Concat(parts))).EnsureSuccess();
        Assert.Equal(complete.Text, again.Text);
    }

    [Fact]
    public async Task Complete_checks_in_order_order_then_parts_then_sizes()
    {
        var uploadId = await CreateAsync("k");
        var e1 = await UploadPartAsync("k", uploadId, 1, "small"u8.ToArray());
        var e2 = await UploadPartAsync("k", uploadId, 2, "tail"u8.ToArray());

        (await CompleteAsync("k", uploadId, Part(2, e2) + Part(1, e1))).AssertError("InvalidPartOrder", 400);
        (await CompleteAsync("k", uploadId, Part(1, e1) + Part(3, e2))).AssertError("InvalidPart", 400);
        (await CompleteAsync("k", uploadId, Part(1, "\"0000\"") + Part(2, e2))).AssertError("InvalidPart", 400);
        var tooSmall = (await CompleteAsync("k", uploadId, Part(1, e1) + Part(2, e2))).AssertError("EntityTooSmall", 400);
        Assert.Contains(new KeyValuePair<string, string>("MinSizeAllowed", "5242880"), tooSmall.Details);
        Assert.Contains(new KeyValuePair<string, string>("PartNumber", "1"), tooSmall.Details);
        Assert.Contains(new KeyValuePair<string, string>("ProposedSize", "5"), tooSmall.Details);
        (await _host.SendAsync("POST", Bucket, "k", query: "uploadId=" + uploadId)).AssertError("MalformedXML", 400);

        // The last part may be small, ETags compare without quotes, and unlisted parts are dropped.
        var complete = (await CompleteAsync("k", uploadId, Part(1, e1.Trim('"')))).EnsureSuccess();
        Assert.EndsWith("-1\"", complete.Value("ETag"), StringComparison.Ordinal);
        Assert.Equal("small", (await _host.SendAsync("GET", Bucket, "k")).Text);
    }

    [Fact]
    public async Task Unknown_uploads_are_NoSuchUpload_and_abort_removes_parts()
    {
        (await _host.SendAsync("PUT", Bucket, "k", query: "partNumber=1&uploadId=nope", body: [1])).AssertError("NoSuchUpload", 404);
        (await CompleteAsync("k", "nope", Part(1, "\"x\""))).AssertError("NoSuchUpload", 404);
        (await _host.SendAsync("DELETE", Bucket, "k", query: "uploadId=nope")).AssertError("NoSuchUpload", 404);

        var uploadId = await CreateAsync("k");
        await UploadPartAsync("k", uploadId, 1, [1, 2, 3]);
        Assert.Single(_host.BlobFiles());
        Assert.Equal(204, (await _host.SendAsync("DELETE", Bucket, "k", query: "uploadId=" + uploadId)).Status);
        Assert.Empty(_host.BlobFiles());
        (await _host.SendAsync("DELETE", Bucket, "k", query: "uploadId=" + uploadId)).AssertError("NoSuchUpload", 404);
        (await _host.SendAsync("GET", Bucket, "k", query: "uploadId=" + uploadId)).AssertError("NoSuchUpload", 404);
        // An upload id belongs to its key.
        var other = await CreateAsync("k2");
        (await _host.SendAsync("PUT", Bucket, "k", query: $"partNumber=1&uploadId={other}", body: [1])).AssertError("NoSuchUpload", 404);
    }

    [Fact]
    public async Task Deleting_a_bucket_drops_its_uploads_and_their_parts()
    {
        await using var host = await S3TestHost.CreateAsync();
        await host.CreateBucketAsync("short-lived");
        var uploadId = (await host.SendAsync("POST", "short-lived", "k", query: "uploads")).EnsureSuccess().Value("UploadId");
        (await host.SendAsync("PUT", "short-lived", "k", query: $"partNumber=1&uploadId={uploadId}", body: [1, 2])).EnsureSuccess();
        Assert.Equal(204, (await host.SendAsync("DELETE", "short-lived")).Status);
        Assert.Empty(host.BlobFiles());
        await host.CreateBucketAsync("short-lived");
        Assert.Empty((await host.SendAsync("GET", "short-lived", query: "uploads")).Values("Upload/Key"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("x")]
    public async Task Part_numbers_are_1_to_10000(string number)
    {
        var uploadId = await CreateAsync("k");
        (await _host.SendAsync("PUT", Bucket, "k", query: $"partNumber={number}&uploadId={uploadId}", body: [1])).AssertError("InvalidArgument", 400);
    }

    [Fact]
    public async Task A_reuploaded_part_replaces_the_first()
    {
        var uploadId = await CreateAsync("k");
        await UploadPartAsync("k", uploadId, 1, "first"u8.ToArray());
        var second = await UploadPartAsync("k", uploadId, 1, "second"u8.ToArray());
        var parts = (await _host.SendAsync("GET", Bucket, "k", query: "uploadId=" + uploadId)).EnsureSuccess();
        Assert.Equal([second], parts.Values("Part/ETag"));
        Assert.Equal(["6"], parts.Values("Part/Size"));
        Assert.Single(_host.BlobFiles());
    }

    [Fact]
    public async Task List_parts_pages_by_part_number()
    {
        var uploadId = await CreateAsync("k");
        foreach (var number in new[] { 1, 2, 3 })
        {
            await UploadPartAsync("k", uploadId, number, [(byte)number]);
        }

        var first = (await _host.SendAsync("GET", Bucket, "k", query: $"uploadId={uploadId}&max-parts=2")).EnsureSuccess();
        Assert.Equal(["1", "2"], first.Values("Part/PartNumber"));
        Assert.Equal("true", first.Value("IsTruncated"));
        Assert.Equal("2", first.Value("NextPartNumberMarker"));
        var rest = (await _host.SendAsync("GET", Bucket, "k", query: $"uploadId={uploadId}&part-number-marker=2")).EnsureSuccess();
        Assert.Equal(["3"], rest.Values("Part/PartNumber"));
        Assert.Equal("false", rest.Value("IsTruncated"));
    }

    [Fact]
    public async Task List_uploads_shows_uploads_in_progress_by_key()
    {
        var second = await CreateAsync("b/obj");
        var first = await CreateAsync("a");
        var done = await CreateAsync("c");
        var etag = await UploadPartAsync("c", done, 1, [1]);
        (await CompleteAsync("c", done, Part(1, etag))).EnsureSuccess();

        var list = (await _host.SendAsync("GET", Bucket, query: "uploads")).EnsureSuccess();
        Assert.Equal(["a", "b/obj"], list.Values("Upload/Key"));
        Assert.Equal([first, second], list.Values("Upload/UploadId"));

        var rolled = (await _host.SendAsync("GET", Bucket, query: "uploads&delimiter=/")).EnsureSuccess();
        Assert.Equal(["a"], rolled.Values("Upload/Key"));
        Assert.Equal(["b/"], rolled.Values("CommonPrefixes/Prefix"));

        var paged = (await _host.SendAsync("GET", Bucket, query: "uploads&max-uploads=1")).EnsureSuccess();
        Assert.Equal("true", paged.Value("IsTruncated"));
        var next = (await _host.SendAsync("GET", Bucket, query: $"uploads&key-marker={paged.Value("NextKeyMarker")}&upload-id-marker={paged.Value("NextUploadIdMarker")}"))
            .EnsureSuccess();
        Assert.Equal(["b/obj"], next.Values("Upload/Key"));
    }

    [Fact]
    public async Task Sha256_composite_checksum_matches_the_spec_vector()
    {
        var uploadId = await CreateAsync("sha", ("x-amz-checksum-algorithm", "SHA256"));
        var parts = new StringBuilder();
        foreach (var (number, data) in new[] { (1, PartA), (2, PartB), (3, PartC) })
        {
            var digest = Convert.ToBase64String(SHA256.HashData(data));
            var result = (await _host.SendAsync("PUT", Bucket, "sha", query: $"partNumber={number}&uploadId={uploadId}",
                headers: [("x-amz-checksum-sha256", digest)], body: data)).EnsureSuccess();
            Assert.Equal(digest, result.Header("x-amz-checksum-sha256"));
            parts.Append(Part(number, result.Header("ETag")!, $"<ChecksumSHA256>{digest}</ChecksumSHA256>"));
        }

        var complete = (await CompleteAsync("sha", uploadId, parts.ToString())).EnsureSuccess();
        Assert.Equal("uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3", complete.Value("ChecksumSHA256"));
        Assert.Equal("COMPOSITE", complete.Value("ChecksumType"));

        var head = await _host.SendAsync("HEAD", Bucket, "sha", headers: [("x-amz-checksum-mode", "ENABLED")]);
        Assert.Equal("uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3", head.Header("x-amz-checksum-sha256"));
        var part = await _host.SendAsync("HEAD", Bucket, "sha", query: "partNumber=2", headers: [("x-amz-checksum-mode", "ENABLED")]);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(PartB)), part.Header("x-amz-checksum-sha256"));
    }

    [Fact]
    public async Task Full_object_crc32_matches_the_spec_vector()
    {
        var uploadId = await CreateAsync("crc", ("x-amz-checksum-algorithm", "CRC32"), ("x-amz-checksum-type", "FULL_OBJECT"));
        var parts = new StringBuilder();
        var expectedParts = new[] { "JRTCyQ==", "QoZTGg==", "YAgjqw==" };
        foreach (var (number, data) in new[] { (1, PartA), (2, PartB), (3, PartC) })
        {
            var result = (await _host.SendAsync("PUT", Bucket, "crc", query: $"partNumber={number}&uploadId={uploadId}", body: data)).EnsureSuccess();
            Assert.Equal(expectedParts[number - 1], result.Header("x-amz-checksum-crc32"));
            parts.Append(Part(number, result.Header("ETag")!, $"<ChecksumCRC32>{expectedParts[number - 1]}</ChecksumCRC32>"));
        }

        var complete = (await CompleteAsync("crc", uploadId, parts.ToString(), ("x-amz-checksum-crc32", "WgDhBQ=="))).EnsureSuccess();
        Assert.Equal("WgDhBQ==", complete.Value("ChecksumCRC32"));
        Assert.Equal("FULL_OBJECT", complete.Value("ChecksumType"));
    }

    [Fact]
    public async Task An_upload_with_an_algorithm_needs_each_part_checksum_in_complete()
    {
        var uploadId = await CreateAsync("need", ("x-amz-checksum-algorithm", "CRC32"));
        var etag = await UploadPartAsync("need", uploadId, 1, "data"u8.ToArray());
        var missing = (await CompleteAsync("need", uploadId, Part(1, etag))).AssertError("InvalidRequest", 400);
        Assert.Equal("The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.",
            missing.Message);
        var wrongType = (await CompleteAsync("need", uploadId, Part(1, etag, "<ChecksumSHA256>x</ChecksumSHA256>"))).AssertError("InvalidRequest", 400);
        Assert.Equal("Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256", wrongType.Message);
        (await _host.SendAsync("PUT", Bucket, "need", query: $"partNumber=2&uploadId={uploadId}",
            headers: [("x-amz-checksum-sha256", Convert.ToBase64String(SHA256.HashData("x"u8)))], body: "x"u8.ToArray())).AssertError("InvalidRequest", 400);
        var crc = Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32, "data"u8));
        (await CompleteAsync("need", uploadId, Part(1, etag, $"<ChecksumCRC32>{crc}</ChecksumCRC32>"), ("x-amz-checksum-crc32", "AAAAAA=="))).AssertError("BadDigest", 400);
        Assert.Empty((await _host.SendAsync("GET", Bucket, query: "list-type=2")).Values("Contents/Key"));
        (await CompleteAsync("need", uploadId, Part(1, etag, $"<ChecksumCRC32>{crc}</ChecksumCRC32>"))).EnsureSuccess();
    }

    [Fact]
    public async Task Without_an_algorithm_part_checksums_are_accepted_but_not_required()
    {
        var uploadId = await CreateAsync("free");
        var crc = Convert.ToBase64String(IncrementalChecksum.Compute(ChecksumAlgorithm.Crc32, "data"u8));
        var etag = await UploadPartAsync("free", uploadId, 1, "data"u8.ToArray(), ("x-amz-checksum-crc32", crc));
        (await CompleteAsync("free", uploadId, Part(1, etag, "<ChecksumCRC32>AAAAAA==</ChecksumCRC32>"))).AssertError("InvalidPart", 400);
        (await CompleteAsync("free", uploadId, Part(1, etag))).EnsureSuccess();
    }

    [Theory]
    [InlineData("SHA256", "FULL_OBJECT")]
    [InlineData("CRC64NVME", "COMPOSITE")]
    [InlineData(null, "COMPOSITE")]
    [InlineData("MD5", null)]
    public async Task Invalid_checksum_settings_are_InvalidRequest(string? algorithm, string? type)
    {
        var headers = new List<(string, string)>();
        if (algorithm is not null)
        {
            headers.Add(("x-amz-checksum-algorithm", algorithm));
        }

        if (type is not null)
        {
            headers.Add(("x-amz-checksum-type", type));
        }

        (await _host.SendAsync("POST", Bucket, "k", query: "uploads", headers: headers)).AssertError("InvalidRequest", 400);
    }

    [Fact]
    public async Task Upload_part_copy_with_and_without_a_range()
    {
        await _host.PutAsync(Bucket, "source", "0123456789");
        var uploadId = await CreateAsync("copy");
        var ranged = (await _host.SendAsync("PUT", Bucket, "copy", query: $"partNumber=1&uploadId={uploadId}",
            headers: [("x-amz-copy-source", "multi/source"), ("x-amz-copy-source-range", "bytes=2-4")])).EnsureSuccess();
        Assert.Equal("CopyPartResult", ranged.Xml.Name.LocalName);
        Assert.Equal("\"" + TestData.Md5Hex("234"u8.ToArray()) + "\"", ranged.Value("ETag"));
        Assert.Contains(("s3:GetObject", "arn:aws:s3:::multi/source"), _host.AuthorizeCalls);

        (await _host.SendAsync("PUT", Bucket, "copy", query: $"partNumber=2&uploadId={uploadId}",
            headers: [("x-amz-copy-source", "multi/source"), ("x-amz-copy-source-range", "bytes=5-10")])).AssertError("InvalidRange", 416);
        foreach (var malformed in new[] { "bytes=0-2,3-5", "0-2", "bytes=3-" })
        {
            (await _host.SendAsync("PUT", Bucket, "copy", query: $"partNumber=2&uploadId={uploadId}",
                headers: [("x-amz-copy-source", "multi/source"), ("x-amz-copy-source-range", malformed)])).AssertError("InvalidArgument", 400);
        }

        var whole = (await _host.SendAsync("PUT", Bucket, "copy", query: $"partNumber=2&uploadId={uploadId}",
            headers: [("x-amz-copy-source", "multi/source")])).EnsureSuccess();
        (await CompleteAsync("copy", uploadId, Part(1, ranged.Value("ETag")) + Part(2, whole.Value("ETag")))).AssertError("EntityTooSmall", 400);
    }

    [Fact]
    public async Task Create_echoes_the_checksum_settings()
    {
        var created = (await _host.SendAsync("POST", Bucket, "k", query: "uploads", headers: [("x-amz-checksum-algorithm", "crc64nvme")])).EnsureSuccess();
        Assert.Equal("CRC64NVME", created.Header("x-amz-checksum-algorithm"));
        Assert.Equal("FULL_OBJECT", created.Header("x-amz-checksum-type"));
        Assert.Equal("InitiateMultipartUploadResult", created.Xml.Name.LocalName);
        Assert.Equal(Bucket, created.Value("Bucket"));
    }
}
