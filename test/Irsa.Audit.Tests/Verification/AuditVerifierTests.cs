using System.Text;
using System.Text.Json.Nodes;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;
using Irsa.Audit.Verification;

namespace Irsa.Audit.Tests.Verification;

/// <summary>
/// A three-hour trail (records at 10:xx, an empty hour, records at 12:xx; digests at 11:00, 12:00 and 13:00), then
/// one kind of tampering per test.
/// </summary>
public class AuditVerifierTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Thirteen = Ten.AddHours(3);
    private readonly TrailFixture _fixture = new(Ten);

    private List<string> Digests => TrailFiles.Digests(_fixture.Directory);

    private List<string> Logs => TrailFiles.Logs(_fixture.Directory);

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(10 + i))));
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
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task An_untouched_trail_verifies()
    {
        var report = await VerifyAsync(Ten);

        Assert.Empty(report.Problems);
        Assert.True(report.IsValid);
        Assert.Equal((3, 0, 2, 0), (report.ValidDigests, report.InvalidDigests, report.ValidLogs, report.InvalidLogs));
        Assert.Equal(["3/3 digest files valid", "2/2 log files valid"], report.Summary());
        Assert.Contains(report.Valid, line => line.StartsWith("Digest file\ts3://irsa-audit-111122223333/AWSLogs/", StringComparison.Ordinal) &&
                                              line.EndsWith("\tvalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_journals_own_key_list_verifies_the_untouched_trail_too()
    {
        var report = await AuditVerifier.VerifyAsync(_fixture.Directory, Ten, Thirteen);

        Assert.True(report.IsValid);
        Assert.Equal(3, report.ValidDigests);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_log_file_is_reported()
    {
        var log = Logs[0];
        var bytes = await File.ReadAllBytesAsync(log);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(log, bytes);

        var report = await VerifyAsync(Ten);

        Assert.Equal(1, report.InvalidLogs);
        Assert.Equal(1, report.ValidLogs);
        var problem = Assert.Single(report.Problems);
        Assert.StartsWith($"Log file\ts3://irsa-audit-111122223333/{Key(log)}\tINVALID: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_log_file_is_reported_not_found()
    {
        File.Delete(Logs[1]);
        var deleted = Key(Logs.Count == 1 ? Logs[0] : "");

        var report = await VerifyAsync(Ten);

        Assert.Equal(1, report.InvalidLogs);
        Assert.Contains(report.Problems, p => p.StartsWith("Log file\ts3://irsa-audit-111122223333/", StringComparison.Ordinal) &&
                                              p.EndsWith("\tINVALID: not found", StringComparison.Ordinal) && !p.Contains(deleted, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forged_record_inserted_into_a_log_is_reported()
    {
        var log = Logs[0];
        var content = TrailFiles.ReadJson(log);
        var forged = CloudTrailRecordWriter.ToJson(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(11), eventName: "CreateRole"));
        content["Records"]!.AsArray().Add(JsonNode.Parse(forged));
        TrailFiles.WriteJson(log, content);

        var report = await VerifyAsync(Ten);

        Assert.Equal([$"Log file\ts3://irsa-audit-111122223333/{Key(log)}\tINVALID: hash value doesn't match"], report.Problems);
        Assert.False(report.IsValid);
    }

    [Fact]
    public async Task Bytes_appended_after_the_gzip_member_are_reported()
    {
        var log = Logs[0];
        var extra = new MemoryStream();
        TrailFiles.WriteGzip(Path.Combine(_fixture.Directory, "extra.gz"), Encoding.UTF8.GetBytes("{}"));
        await File.WriteAllBytesAsync(log, [.. await File.ReadAllBytesAsync(log), .. await File.ReadAllBytesAsync(Path.Combine(_fixture.Directory, "extra.gz"))]);

        var report = await VerifyAsync(Ten);

        Assert.Equal([$"Log file\ts3://irsa-audit-111122223333/{Key(log)}\tINVALID: unexpected data after end of compressed stream"], report.Problems);
    }

    [Fact]
    public async Task An_inserted_log_file_is_reported()
    {
        var genuine = Logs[0];
        var inserted = genuine.Replace("_20261202T1100Z_", "_20261202T1101Z_", StringComparison.Ordinal)[..^24] + "AAAAAAAAAAAAAAAA.json.gz";
        File.Copy(genuine, inserted);

        var report = await VerifyAsync(Ten);

        Assert.Equal([$"Log file\ts3://irsa-audit-111122223333/{Key(inserted)}\tINVALID: not listed in any valid digest"], report.Problems);
    }

    [Fact]
    public async Task A_deleted_digest_in_the_middle_of_the_chain_is_reported_and_the_walk_goes_on()
    {
        var middle = Digests[1];
        File.Delete(middle);

        var report = await VerifyAsync(Ten);

        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(middle)}\tINVALID: not found", report.Problems);
        Assert.Equal(1, report.InvalidDigests);
        Assert.Equal(2, report.ValidDigests);
        Assert.Equal(2, report.ValidLogs);
    }

    [Fact]
    public async Task A_truncated_chain_is_reported()
    {
        var oldest = Digests[0];
        File.Delete(oldest);
        File.Delete(oldest + ".sig");

        var report = await VerifyAsync(Ten);

        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(oldest)}\tINVALID: not found", report.Problems);
        // Its log is now accounted for by no digest at all.
        Assert.Contains(report.Problems, p => p.EndsWith("\tINVALID: not listed in any valid digest", StringComparison.Ordinal));
        Assert.False(report.IsValid);
    }

    [Fact]
    public async Task A_modified_digest_fails_signature_verification()
    {
        var digest = Digests[2];
        var content = TrailFiles.ReadJson(digest);
        content["logFiles"]!.AsArray().Clear(); // hide a log
        TrailFiles.WriteJson(digest, content);

        var report = await VerifyAsync(Ten);

        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(digest)}\tINVALID: signature verification failed", report.Problems);
        Assert.Equal(1, report.InvalidDigests);
    }

    [Fact]
    public async Task A_digest_without_its_signature_file_fails_and_a_moved_one_is_reported_moved()
    {
        File.Delete(Digests[2] + ".sig");
        var moved = Digests[1];
        var content = TrailFiles.ReadJson(moved);
        content["digestS3Object"] = "AWSLogs/elsewhere.json.gz";
        TrailFiles.WriteJson(moved, content);

        var report = await VerifyAsync(Ten);

        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(Digests[2])}\tINVALID: signature verification failed", report.Problems);
        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(moved)}\tINVALID: has been moved from its original location", report.Problems);
    }

    [Fact]
    public async Task A_digest_signed_by_an_unknown_key_is_reported_with_its_fingerprint()
    {
        var report = await AuditVerifier.VerifyAsync(_fixture.Directory, Ten, Thirteen, []);

        var fingerprint = _fixture.Trail.ListPublicKeys().Single().Fingerprint;
        Assert.Contains($"Digest file\ts3://irsa-audit-111122223333/{Key(Digests[2])}\tINVALID: public key not found in region us-east-1 for fingerprint {fingerprint}", report.Problems);
    }

    [Fact]
    public async Task A_range_after_the_chain_start_verifies_only_what_it_covers()
    {
        var report = await VerifyAsync(Ten.AddHours(2));

        Assert.True(report.IsValid);
        Assert.Equal(1, report.ValidDigests);
        Assert.Equal(1, report.ValidLogs);
    }

    private Task<VerificationReport> VerifyAsync(DateTimeOffset from) =>
        AuditVerifier.VerifyAsync(_fixture.Directory, from, Thirteen, _fixture.Trail.ListPublicKeys(from, Thirteen.AddHours(2)));

    private string Key(string path) => Path.GetRelativePath(_fixture.Directory, path).Replace('\\', '/');
}
