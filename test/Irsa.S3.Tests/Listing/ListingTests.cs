using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Listing;

public sealed class ListingTests : IAsyncLifetime
{
    private const string Bucket = "listing";
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task PutKeysAsync(params string[] keys)
    {
        foreach (var key in keys)
        {
            (await _host.PutAsync(Bucket, key, key)).EnsureSuccess();
        }
    }

    private Task<S3Result> ListAsync(string query) => _host.SendAsync("GET", Bucket, query: query);

    [Fact]
    public async Task Keys_come_back_in_utf8_byte_order()
    {
        // U+FF21 sorts before U+1F600 in UTF-8 although its UTF-16 code unit is larger than the surrogate's.
        await PutKeysAsync("\U0001F600", "\uFF21", "b", "a", "B");
        var keys = (await ListAsync("list-type=2")).EnsureSuccess().Values("Contents/Key");
        Assert.Equal(["B", "a", "b", "\uFF21", "\U0001F600"], keys);
    }

    [Fact]
    public async Task Delimiter_rolls_keys_into_common_prefixes_that_count_toward_max_keys()
    {
        await PutKeysAsync("asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla");
        var first = (await ListAsync("delimiter=/&max-keys=2")).EnsureSuccess();
        Assert.Equal(["asdf"], first.Values("Contents/Key"));
        Assert.Equal(["boo/"], first.Values("CommonPrefixes/Prefix"));
        Assert.Equal("true", first.Value("IsTruncated"));
        Assert.Equal("boo/", first.Value("NextMarker"));
        Assert.Equal("/", first.Value("Delimiter"));

        var second = (await ListAsync("delimiter=/&max-keys=2&marker=boo/")).EnsureSuccess();
        Assert.Empty(second.Values("Contents/Key"));
        Assert.Equal(["cquux/"], second.Values("CommonPrefixes/Prefix"));
        Assert.Equal("false", second.Value("IsTruncated"));
        Assert.Empty(second.Values("NextMarker"));
    }

    [Fact]
    public async Task V1_has_no_NextMarker_without_a_delimiter_and_always_has_owners()
    {
        await PutKeysAsync("a", "b", "c");
        var page = (await ListAsync("max-keys=2")).EnsureSuccess();
        Assert.Equal("true", page.Value("IsTruncated"));
        Assert.Empty(page.Values("NextMarker"));
        Assert.Empty(page.Values("Delimiter"));
        Assert.Equal([S3TestHost.Account, S3TestHost.Account], page.Values("Contents/Owner/ID"));
        var rest = (await ListAsync("max-keys=2&marker=b")).EnsureSuccess();
        Assert.Equal(["c"], rest.Values("Contents/Key"));
        Assert.Equal("false", rest.Value("IsTruncated"));
    }

    [Fact]
    public async Task V2_pages_with_opaque_tokens_and_the_last_page_has_none()
    {
        await PutKeysAsync("k1", "k2", "k3", "k4", "k5");
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = (await ListAsync("list-type=2&max-keys=2" + (token is null ? "" : "&continuation-token=" + Uri.EscapeDataString(token)))).EnsureSuccess();
            pages++;
            seen.AddRange(page.Values("Contents/Key"));
            Assert.Equal(page.Values("Contents/Key").Count.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Value("KeyCount"));
            if (token is not null)
            {
                Assert.Equal(token, page.Value("ContinuationToken"));
            }

            token = page.Values("NextContinuationToken").SingleOrDefault();
            Assert.Equal(token is not null ? "true" : "false", page.Value("IsTruncated"));
            Assert.Empty(page.Values("Contents/Owner"));
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["k1", "k2", "k3", "k4", "k5"], seen);
    }

    [Fact]
    public async Task V2_start_after_fetch_owner_and_key_count_with_prefixes()
    {
        await PutKeysAsync("a/1", "a/2", "b", "c/1", "d");
        var page = (await ListAsync("list-type=2&start-after=a/1&delimiter=/&fetch-owner=true")).EnsureSuccess();
        Assert.Equal(["b", "d"], page.Values("Contents/Key"));
        Assert.Equal(["a/", "c/"], page.Values("CommonPrefixes/Prefix"));
        Assert.Equal("4", page.Value("KeyCount"));
        Assert.Equal("a/1", page.Value("StartAfter"));
        Assert.Equal([S3TestHost.Account, S3TestHost.Account], page.Values("Contents/Owner/ID"));

        // A token wins over start-after.
        var resumed = (await ListAsync("list-type=2&start-after=zzz&continuation-token=" + Uri.EscapeDataString(Convert.ToBase64String("c/1"u8.ToArray()))))
            .EnsureSuccess();
        Assert.Equal(["d"], resumed.Values("Contents/Key"));
    }

    [Fact]
    public async Task Prefix_narrows_and_prefix_plus_delimiter_rolls_up_below_it()
    {
        await PutKeysAsync("foo/bar/1", "foo/bar/2", "foo/baz", "foo", "fop");
        var page = (await ListAsync("list-type=2&prefix=foo/&delimiter=/")).EnsureSuccess();
        Assert.Equal(["foo/baz"], page.Values("Contents/Key"));
        Assert.Equal(["foo/bar/"], page.Values("CommonPrefixes/Prefix"));
        Assert.Equal("foo/", page.Value("Prefix"));
    }

    [Fact]
    public async Task Encoding_type_url_encodes_keys_prefixes_and_the_delimiter()
    {
        await PutKeysAsync("foo+1/bar", "quux ab/thud", "plain");
        var page = (await ListAsync("delimiter=/&encoding-type=url")).EnsureSuccess();
        Assert.Equal(["foo%2B1/", "quux%20ab/"], page.Values("CommonPrefixes/Prefix"));
        Assert.Equal(["plain"], page.Values("Contents/Key"));
        Assert.Equal("url", page.Value("EncodingType"));

        var v2 = (await ListAsync("list-type=2&encoding-type=url&prefix=quux ab&start-after=quux a")).EnsureSuccess();
        Assert.Equal(["quux%20ab/thud"], v2.Values("Contents/Key"));
        Assert.Equal("quux%20ab", v2.Value("Prefix"));
        Assert.Equal("quux%20a", v2.Value("StartAfter"));

        // ListObjects (v1) echoes its Prefix unencoded: botocore does not decode it.
        var v1 = (await ListAsync("encoding-type=url&prefix=quux ab%0A")).EnsureSuccess();
        Assert.Equal("quux ab\n", v1.Value("Prefix"));

        var raw = (await ListAsync("list-type=2")).EnsureSuccess();
        Assert.Contains("foo+1/bar", raw.Values("Contents/Key"));

        (await ListAsync("encoding-type=base64")).AssertError("InvalidArgument", 400);
    }

    [Theory]
    [InlineData("max-keys=abc")]
    [InlineData("max-keys=-1")]
    public async Task Invalid_max_keys_is_InvalidArgument(string query) =>
        (await ListAsync(query)).AssertError("InvalidArgument", 400);

    [Fact]
    public async Task Max_keys_zero_returns_nothing_untruncated_and_the_default_is_1000()
    {
        await PutKeysAsync("a");
        var zero = (await ListAsync("list-type=2&max-keys=0")).EnsureSuccess();
        Assert.Empty(zero.Values("Contents/Key"));
        Assert.Equal("false", zero.Value("IsTruncated"));
        Assert.Equal("1000", (await ListAsync("list-type=2")).Value("MaxKeys"));
        Assert.Equal("1000", (await ListAsync("list-type=2&max-keys=5000")).Value("MaxKeys"));
    }

    [Fact]
    public async Task A_page_never_loads_more_than_it_needs_across_store_batches()
    {
        var keys = Enumerable.Range(0, 1205).Select(i => $"k{i:D5}").ToArray();
        await _host.Store.TransactAsync(async session =>
        {
            foreach (var key in keys)
            {
                await session.PutAsync("s3-objects", "listing/" + key,
                    $$"""{"bucket":"listing","key":"{{key}}","blobId":"00000000000000000000000000000000","size":0,"etag":"d41d8cd98f00b204e9800998ecf8427e","lastModified":"2026-08-07T12:00:00+00:00","headers":{"userMetadata":[]},"ownerAccountId":"111122223333"}""");
            }

            return true;
        });
        var all = new List<string>();
        string? marker = null;
        do
        {
            var page = (await ListAsync("max-keys=1000" + (marker is null ? "" : "&marker=" + marker))).EnsureSuccess();
            all.AddRange(page.Values("Contents/Key"));
            marker = page.Value("IsTruncated") == "true" ? all[^1] : null;
        }
        while (marker is not null);

        Assert.Equal(keys, all);
    }

    [Fact]
    public async Task List_object_versions_shows_the_null_version_of_each_object()
    {
        await PutKeysAsync("a", "b", "c");
        var page = (await _host.SendAsync("GET", Bucket, query: "versions&max-keys=2")).EnsureSuccess();
        Assert.Equal("ListVersionsResult", page.Xml.Name.LocalName);
        Assert.Equal(["a", "b"], page.Values("Version/Key"));
        Assert.Equal(["null", "null"], page.Values("Version/VersionId"));
        Assert.Equal(["true", "true"], page.Values("Version/IsLatest"));
        Assert.Equal("b", page.Value("NextKeyMarker"));
        var rest = (await _host.SendAsync("GET", Bucket, query: "versions&key-marker=b")).EnsureSuccess();
        Assert.Equal(["c"], rest.Values("Version/Key"));
    }

    [Fact]
    public async Task Listing_a_missing_bucket_is_NoSuchBucket() =>
        (await _host.SendAsync("GET", "missing-bucket", query: "list-type=2")).AssertError("NoSuchBucket", 404);
}
