using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The unmodified AWS CLI validates Irsa's own trail: a graceful stop closes the log files and delivers them with their
/// signed digests into the account's trail bucket in Irsa's S3; <c>aws cloudtrail validate-logs</c> then reads the trail
/// (DescribeTrails), its public keys (ListPublicKeys) and the bucket, and passes, until a log object is rewritten.
/// </summary>
public sealed class TrailValidationTests : IAsyncLifetime
{
    private readonly IrsaProcess _irsa = new();

    public Task InitializeAsync() => _irsa.InitializeAsync();

    public Task DisposeAsync() => _irsa.DisposeAsync();

    [Fact]
    public async Task Aws_cli_validate_logs_passes_on_the_untouched_trail_and_fails_on_a_rewritten_log()
    {
        var started = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await S3Demo.Ok(_irsa.AwsAsync("s3", "mb", "s3://audited"));
        await S3Demo.Ok(_irsa.AwsAsync("sts", "get-caller-identity"));
        await _irsa.StopAsync(15);
        await _irsa.RestartAsync();

        var account = (await S3Demo.Ok(_irsa.AwsAsync("sts", "get-caller-identity", "--query", "Account", "--output", "text"))).StandardOutput.Trim();
        var trail = JsonNode.Parse((await S3Demo.Ok(_irsa.AwsAsync("cloudtrail", "describe-trails"))).StandardOutput)!["trailList"]![0]!;
        var trailArn = trail["TrailARN"]!.GetValue<string>();
        var bucket = trail["S3BucketName"]!.GetValue<string>();
        Assert.Equal($"arn:aws:cloudtrail:us-east-1:{account}:trail/irsa", trailArn);
        Assert.True(trail["LogFileValidationEnabled"]!.GetValue<bool>());

        var valid = await _irsa.AwsAsync("cloudtrail", "validate-logs", "--trail-arn", trailArn, "--start-time", started);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Matches(@"\d+/\d+ digest files valid", valid.StandardOutput);
        Assert.Matches(@"[1-9]\d*/[1-9]\d* log files valid", valid.StandardOutput);
        Assert.DoesNotContain("INVALID", valid.StandardOutput, StringComparison.Ordinal);

        // Rewrite one delivered log file: the record of the bucket's creation names another bucket.
        var listing = (await S3Demo.Ok(_irsa.AwsAsync("s3", "ls", $"s3://{bucket}", "--recursive"))).StandardOutput;
        var key = listing.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 4)
            .Select(p => p[3]).First(k => k.Contains("_CloudTrail_", StringComparison.Ordinal));
        var original = Path.Combine(_irsa.Home.FullName, "log.json.gz");
        await S3Demo.Ok(_irsa.AwsAsync("s3", "cp", $"s3://{bucket}/{key}", original));
        var json = await Inflate(original);
        Assert.Contains("\"audited\"", json, StringComparison.Ordinal);
        var forged = Path.Combine(_irsa.Home.FullName, "forged.json.gz");
        await Deflate(json.Replace("\"audited\"", "\"innocent\"", StringComparison.Ordinal), forged);
        await S3Demo.Ok(_irsa.AwsAsync("s3", "cp", forged, $"s3://{bucket}/{key}"));

        var tampered = await _irsa.AwsAsync("cloudtrail", "validate-logs", "--trail-arn", trailArn, "--start-time", started);
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains($"Log file\ts3://{bucket}/{key}\tINVALID: hash value doesn't match", tampered.StandardError + tampered.StandardOutput,
            StringComparison.Ordinal);
    }

    private static async Task<string> Inflate(string path)
    {
        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static async Task Deflate(string text, string path)
    {
        await using var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes(text));
    }
}
