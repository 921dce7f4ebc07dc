using System.Text;
using System.Text.Json.Nodes;
using Irsa.Audit.Buckets;
using Irsa.Audit.Delivery;
using Irsa.Audit.Journal;
using Irsa.Audit.Verification;

namespace Irsa.Audit.Tests.AwsCli;

/// <summary>
/// The AWS CLI's own <c>validate-logs</c> over what Irsa delivered into the buckets: a three-hour trail of two accounts
/// (records at 10:xx, an empty hour, records at 12:xx; digests at 11:00, 12:00, 13:00) under a key prefix. The CLI must
/// accept the untouched files, and report each tampering with the lines Irsa's verifier reports for the same bytes.
/// </summary>
public sealed class ValidateLogsDifferentialTests : IAsyncLifetime
{
    private const string OtherAccount = "444455556666";
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Thirteen = Ten.AddHours(3);
    private readonly TrailFixture _fixture = new(Ten);
    private readonly string _buckets = Path.Combine(Path.GetTempPath(), "irsa-audit-buckets", Guid.NewGuid().ToString("N"));
    private DirectoryTrailObjectStore _store = null!;

    private string Bucket => _fixture.Options.BucketFor(Samples.Account);

    public async Task InitializeAsync()
    {
        _fixture.Options = _fixture.Options with { KeyPrefix = "audit/irsa" };
        await _fixture.ReopenAsync();
        _store = new DirectoryTrailObjectStore(_buckets);
        _fixture.Trail.StartBucketDelivery(_store);
        foreach (var account in new[] { Samples.Account, OtherAccount })
        {
            for (var i = 0; i < 3; i++)
            {
                await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(10 + i), account: account)));
            }
        }

        foreach (var hour in new[] { 1, 2 })
        {
            _fixture.Time.SetUtcNow(Ten.AddHours(hour));
            await _fixture.Trail.DeliverIfDueAsync();
        }

        for (var i = 0; i < 2; i++)
        {
            await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddHours(2).AddMinutes(30 + i))));
        }

        _fixture.Time.SetUtcNow(Thirteen);
        await _fixture.Trail.DeliverIfDueAsync();
        Assert.Equal(0, (await _fixture.Trail.DeliverToBucketsAsync()).Failed);
    }

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        if (Directory.Exists(_buckets))
        {
            Directory.Delete(_buckets, recursive: true);
        }
    }

    [AwsCliFact]
    public async Task The_AWS_CLI_validates_every_digest_and_log_Irsa_delivered()
    {
        var cli = await AwsCliValidateLogs.RunAsync(_fixture.Trail, _buckets, Samples.Account, Ten, Thirteen);
        var irsa = await VerifyLocalAsync();

        Assert.True(cli.ExitCode == 0, cli.Stdout + cli.Stderr);
        Assert.Empty(cli.Problems);
        Assert.Contains("3/3 digest files valid", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("2/2 log files valid", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains($"s3://{Bucket}/audit/irsa/AWSLogs/{Samples.Account}/CloudTrail-Digest/us-east-1/2026/12/02/", cli.Stdout, StringComparison.Ordinal);
        Assert.Equal(OfThisAccount(irsa.Valid), cli.Valid.Order(StringComparer.Ordinal));
    }

    [AwsCliFact]
    public async Task Each_account_is_its_own_trail_bucket_and_chain()
    {
        var cli = await AwsCliValidateLogs.RunAsync(_fixture.Trail, _buckets, OtherAccount, Ten, Thirteen);

        Assert.True(cli.ExitCode == 0, cli.Stdout + cli.Stderr);
        Assert.Contains("3/3 digest files valid", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("1/1 log files valid", cli.Stdout, StringComparison.Ordinal);
        Assert.All(cli.Valid, line => Assert.Contains($"s3://irsa-audit-{OtherAccount}/audit/irsa/AWSLogs/{OtherAccount}/", line, StringComparison.Ordinal));
    }

    [AwsCliFact]
    public async Task A_flipped_byte_in_a_log_is_reported_alike()
    {
        Tamper(LogKeys()[0], path =>
        {
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x20;
            File.WriteAllBytes(path, bytes);
        });

        await AssertReportedAlikeAsync(expectedProblems: 1);
    }

    [AwsCliFact]
    public async Task A_deleted_log_is_reported_alike()
    {
        Tamper(LogKeys()[^1], File.Delete);

        var cli = await AssertReportedAlikeAsync(expectedProblems: 1);
        Assert.EndsWith("\tINVALID: not found", cli.Problems[0], StringComparison.Ordinal);
    }

    [AwsCliFact]
    public async Task A_deleted_digest_is_reported_alike_and_the_chain_walk_goes_on()
    {
        Tamper(DigestKeys()[1], File.Delete);

        var cli = await AssertReportedAlikeAsync(expectedProblems: 1);
        Assert.StartsWith("Digest file\t", cli.Problems[0], StringComparison.Ordinal);
        Assert.EndsWith("\tINVALID: not found", cli.Problems[0], StringComparison.Ordinal);
        Assert.Contains("2/3 digest files valid, 1/3 digest files INVALID", cli.Stdout, StringComparison.Ordinal);
    }

    [AwsCliFact]
    public async Task A_forged_record_inserted_into_a_log_is_reported_alike()
    {
        Tamper(LogKeys()[0], path =>
        {
            var log = JsonNode.Parse(TrailFiles.Gunzip(path))!.AsObject();
            log["Records"]!.AsArray().Add(JsonNode.Parse("""{"eventName":"DeleteRole","eventSource":"iam.amazonaws.com"}"""));
            TrailFiles.WriteGzip(path, Encoding.UTF8.GetBytes(log.ToJsonString()));
        });

        var cli = await AssertReportedAlikeAsync(expectedProblems: 1);
        Assert.EndsWith("\tINVALID: hash value doesn't match", cli.Problems[0], StringComparison.Ordinal);
    }

    [AwsCliFact]
    public async Task A_modified_digest_fails_its_signature_alike()
    {
        Tamper(DigestKeys()[0], path =>
        {
            var digest = JsonNode.Parse(TrailFiles.Gunzip(path))!.AsObject();
            digest["logFiles"] = new JsonArray();
            TrailFiles.WriteGzip(path, Encoding.UTF8.GetBytes(digest.ToJsonString()));
        });

        var cli = await AssertReportedAlikeAsync(expectedProblems: 1);
        Assert.EndsWith("\tINVALID: signature verification failed", cli.Problems[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Both verifiers find the trail invalid, with the same validate-logs lines; Irsa's verifier may add the lines of its
    /// two checks beyond validate-logs (files no valid digest lists, digests out of the chain).
    /// </summary>
    private async Task<ValidateLogsRun> AssertReportedAlikeAsync(int expectedProblems)
    {
        var cli = await AwsCliValidateLogs.RunAsync(_fixture.Trail, _buckets, Samples.Account, Ten, Thirteen);
        var irsa = await VerifyLocalAsync();

        Assert.Equal(1, cli.ExitCode);
        Assert.False(irsa.IsValid);
        Assert.Equal(expectedProblems, cli.Problems.Count);
        var irsaValidateLogsLines = irsa.Problems
            .Where(p => !p.EndsWith("not listed in any valid digest", StringComparison.Ordinal) && !p.EndsWith("not part of the digest chain", StringComparison.Ordinal));
        Assert.Equal(cli.Problems.Order(StringComparer.Ordinal), OfThisAccount(irsaValidateLogsLines));
        Assert.Equal(cli.Valid.Order(StringComparer.Ordinal), OfThisAccount(irsa.Valid));
        return cli;
    }

    /// <summary>Irsa's verifier checks every account's chain at once; validate-logs checks one trail.</summary>
    private IEnumerable<string> OfThisAccount(IEnumerable<string> lines) =>
        lines.Where(l => l.Contains($"s3://{Bucket}/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private Task<VerificationReport> VerifyLocalAsync() =>
        AuditVerifier.VerifyAsync(_fixture.Directory, Ten, Thirteen, _fixture.Trail.ListPublicKeys(Ten, Thirteen.AddHours(2)));

    /// <summary>The same change to the trail's folder and to the bucket, so both verifiers read the same bytes.</summary>
    private void Tamper(string key, Action<string> change)
    {
        change(TrailKeys.PathOf(_fixture.Directory, key));
        change(_store.ObjectPath(Bucket, key));
    }

    private List<string> LogKeys() => Keys(TrailFiles.Logs(_fixture.Directory));

    private List<string> DigestKeys() => Keys(TrailFiles.Digests(_fixture.Directory));

    private List<string> Keys(IEnumerable<string> paths) =>
        [.. paths.Select(p => Path.GetRelativePath(_fixture.Directory, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(k => k.Contains($"/AWSLogs/{Samples.Account}/", StringComparison.Ordinal))];
}
