using System.Text;
using Irsa.S3.Tests.TestSupport;

namespace Irsa.S3.Tests.Objects;

public sealed class XmlBodyTests : IAsyncLifetime
{
    private const string Bucket = "xml";
    private S3TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await S3TestHost.CreateAsync();
        await _host.CreateBucketAsync(Bucket);
        await _host.PutAsync(Bucket, "keep", "v");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<S3Result> DeleteObjectsAsync(string xml) =>
        _host.SendAsync("POST", Bucket, query: "delete", headers: [("x-amz-sdk-checksum-algorithm", "CRC32")], body: Encoding.UTF8.GetBytes(xml));

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("<Delete><Object><Key>keep</Key></Object>")]
    [InlineData("<Other><Object><Key>keep</Key></Object></Other>")]
    [InlineData("<Delete><Object><VersionId>null</VersionId></Object></Delete>")]
    public async Task Malformed_documents_are_MalformedXML(string xml) =>
        (await DeleteObjectsAsync(xml)).AssertError("MalformedXML", 400);

    [Fact]
    public async Task Documents_over_1_MiB_are_refused_before_parsing()
    {
        var padding = new string(' ', (1024 * 1024) + 10);
        (await DeleteObjectsAsync($"<Delete>{padding}<Object><Key>keep</Key></Object></Delete>")).AssertError("MalformedXML", 400);
        Assert.Equal("v", (await _host.SendAsync("GET", Bucket, "keep")).Text);
    }

    [Fact]
    public async Task Dtds_and_external_entities_are_refused()
    {
        var secret = Path.Combine(_host.Root, "secret.txt");
        await File.WriteAllTextAsync(secret, "keep");
        var xxe = $"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file://{secret}\">]><Delete><Object><Key>&x;</Key></Object></Delete>";
        (await DeleteObjectsAsync(xxe)).AssertError("MalformedXML", 400);
        Assert.Equal("v", (await _host.SendAsync("GET", Bucket, "keep")).Text);
    }

    [Fact]
    public async Task Responses_use_the_s3_namespace_and_millisecond_utc_times()
    {
        var list = (await _host.SendAsync("GET", Bucket, query: "list-type=2")).EnsureSuccess();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
            list.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("2026-08-07T12:00:00.000Z", list.Value("LastModified"));
        Assert.Equal("application/xml", list.Header("Content-Type"));
    }
}
