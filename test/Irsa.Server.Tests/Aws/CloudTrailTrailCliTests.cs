using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Aws;

/// <summary>
/// The trail rows through the AWS CLI itself (botocore's CloudTrail model, SigV4, awsJson 1.1): what
/// <c>aws cloudtrail validate-logs</c> asks before reading the bucket (DescribeTrails, ListPublicKeys) and GetTrailStatus.
/// </summary>
public sealed class CloudTrailTrailCliTests : IAsyncLifetime
{
    private IrsaTestServer _server = null!;

    private string TrailArn => $"arn:aws:cloudtrail:{_server.Region}:{_server.AccountId}:trail/irsa";

    public async Task InitializeAsync() => _server = await IrsaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [AwsCliFact]
    public async Task Describe_trails_lists_the_accounts_trail_with_log_file_validation()
    {
        var (code, output, error) = await AwsAsync("describe-trails");

        Assert.True(code == 0, error);
        var trail = Assert.Single(JsonNode.Parse(output)!["trailList"]!.AsArray())!;
        Assert.Equal(TrailArn, trail["TrailARN"]!.GetValue<string>());
        Assert.Equal("irsa", trail["Name"]!.GetValue<string>());
        Assert.Equal($"irsa-audit-{_server.AccountId}", trail["S3BucketName"]!.GetValue<string>());
        Assert.Equal(_server.Region, trail["HomeRegion"]!.GetValue<string>());
        Assert.True(trail["LogFileValidationEnabled"]!.GetValue<bool>());
        Assert.True(trail["IsMultiRegionTrail"]!.GetValue<bool>());

        var (_, byArn, _) = await AwsAsync("describe-trails", "--trail-name-list", TrailArn, "--no-include-shadow-trails");
        Assert.Single(JsonNode.Parse(byArn)!["trailList"]!.AsArray());
    }

    [AwsCliFact]
    public async Task Get_trail_and_get_trail_status_answer_by_name_or_ARN_and_unknown_trails_are_not_found()
    {
        var (code, output, error) = await AwsAsync("get-trail-status", "--name", TrailArn);
        Assert.True(code == 0, error);
        var status = JsonNode.Parse(output)!;
        Assert.True(status["IsLogging"]!.GetValue<bool>());
        Assert.NotNull(status["StartLoggingTime"]);
        Assert.NotNull(status["TimeLoggingStarted"]);

        var (_, trail, _) = await AwsAsync("get-trail", "--name", "irsa");
        Assert.Equal(TrailArn, JsonNode.Parse(trail)!["Trail"]!["TrailARN"]!.GetValue<string>());

        var (missingCode, _, missing) = await AwsAsync("get-trail", "--name", "no-such-trail");
        Assert.NotEqual(0, missingCode);
        Assert.Contains("TrailNotFoundException", missing, StringComparison.Ordinal);
    }

    [AwsCliFact]
    public async Task List_public_keys_gives_the_PKCS1_key_whose_MD5_is_its_fingerprint()
    {
        var (code, output, error) = await AwsAsync("list-public-keys");

        Assert.True(code == 0, error);
        var key = Assert.Single(JsonNode.Parse(output)!["PublicKeyList"]!.AsArray())!;
        var der = Convert.FromBase64String(key["Value"]!.GetValue<string>());
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(der, out var read);
        Assert.Equal(der.Length, read);
#pragma warning disable CA5351 // CloudTrail's fingerprint format, not a security use.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(der)), key["Fingerprint"]!.GetValue<string>());
#pragma warning restore CA5351
        Assert.Null(key["ValidityEndTime"]);
    }

    /// <summary>Runs <c>aws cloudtrail …</c> against the test server as its admin.</summary>
    private Task<(int Code, string Output, string Error)> AwsAsync(params string[] arguments) => AwsCli.RunAsync(_server, ["cloudtrail", .. arguments]);
}

/// <summary>A fact that runs where the AWS CLI is on PATH (CI has it) and is skipped, with the reason, elsewhere.</summary>
public sealed class AwsCliFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("aws", "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit(TimeSpan.FromSeconds(30));
            return process.HasExited && process.ExitCode == 0 ? null : "The AWS CLI (aws) does not run here.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "The AWS CLI (aws) is not on PATH.";
        }
    });

    public AwsCliFactAttribute()
    {
        Skip = Unavailable.Value;
    }
}
