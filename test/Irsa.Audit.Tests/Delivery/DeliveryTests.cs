using System.Security.Cryptography;
using System.Text.Json;
using Irsa.Audit.Delivery;
using Irsa.Audit.Journal;

namespace Irsa.Audit.Tests.Delivery;

public class DeliveryTests
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_hour_of_records_becomes_one_log_file_and_a_signed_digest_named_like_CloudTrails()
    {
        await using var fixture = new TrailFixture(Ten);
        var records = Enumerable.Range(0, 3).Select(i => Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(10 + i))).ToList();
        foreach (var record in records)
        {
            await fixture.Trail.AppendAsync(new AuditEntry(record));
        }

        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.DeliverIfDueAsync();

        var log = Assert.Single(TrailFiles.Logs(fixture.Directory));
        var logKey = Path.GetRelativePath(fixture.Directory, log).Replace('\\', '/');
        Assert.Matches(@"^AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/02/111122223333_CloudTrail_us-east-1_20261202T1100Z_[A-Za-z0-9]{16}\.json\.gz$", logKey);
        var content = TrailFiles.ReadJson(log);
        Assert.Equal(records.Select(r => r.EventId), content["Records"]!.AsArray().Select(r => r!["eventID"]!.GetValue<string>()));

        var digestPath = Assert.Single(TrailFiles.Digests(fixture.Directory));
        var digestKey = Path.GetRelativePath(fixture.Directory, digestPath).Replace('\\', '/');
        Assert.Equal("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/02/111122223333_CloudTrail-Digest_us-east-1_irsa_us-east-1_20261202T110000Z.json.gz",
            digestKey);
        var digestBytes = TrailFiles.Gunzip(digestPath);
        using var digest = JsonDocument.Parse(digestBytes);
        var root = digest.RootElement;
        Assert.Equal(
            ["awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint",
             "digestSignatureAlgorithm", "newestEventTime", "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
             "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature", "logFiles"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("2026-12-02T10:00:00Z", root.GetProperty("digestStartTime").GetString());
        Assert.Equal("2026-12-02T11:00:00Z", root.GetProperty("digestEndTime").GetString());
        Assert.Equal("irsa-audit-111122223333", root.GetProperty("digestS3Bucket").GetString());
        Assert.Equal(digestKey, root.GetProperty("digestS3Object").GetString());
        Assert.Equal("2026-12-02T10:12:00Z", root.GetProperty("newestEventTime").GetString());
        Assert.Equal("2026-12-02T10:10:00Z", root.GetProperty("oldestEventTime").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("previousDigestSignature").ValueKind);
        var listed = Assert.Single(root.GetProperty("logFiles").EnumerateArray().ToList());
        Assert.Equal(logKey, listed.GetProperty("s3Object").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TrailFiles.Gunzip(log))), listed.GetProperty("hashValue").GetString());

        // The signature is SHA256withRSA over the exact string validate-logs rebuilds, with the key ListPublicKeys returns.
        var key = Assert.Single(fixture.Trail.ListPublicKeys(Ten, Ten.AddHours(3)));
        Assert.Equal(key.Fingerprint, root.GetProperty("digestPublicKeyFingerprint").GetString());
#pragma warning disable CA5351 // CloudTrail's fingerprint format, not a security hash.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(key.Value)), key.Fingerprint);
#pragma warning restore CA5351
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(key.Value, out var read);
        Assert.Equal(key.Value.Length, read);
        Assert.Equal(2048, rsa.KeySize);
        var signature = DigestSignature.TryRead(digestPath + ".sig");
        Assert.Equal("SHA256withRSA", signature!.Value.Algorithm);
        var toSign = $"2026-12-02T11:00:00Z\nirsa-audit-111122223333/{digestKey}\n{Convert.ToHexStringLower(SHA256.HashData(digestBytes))}\nnull";
        Assert.True(rsa.VerifyData(System.Text.Encoding.UTF8.GetBytes(toSign), Convert.FromHexString(signature.Value.Signature),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Empty_hours_get_a_digest_chained_to_the_previous_one()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.DeliverIfDueAsync();
        fixture.Time.SetUtcNow(Ten.AddHours(2));
        await fixture.Trail.DeliverIfDueAsync();

        var digests = TrailFiles.Digests(fixture.Directory);
        Assert.Equal(2, digests.Count);
        var first = digests[0];
        var second = TrailFiles.ReadJson(digests[1]);
        Assert.Empty(second["logFiles"]!.AsArray());
        Assert.Null(second["newestEventTime"]);
        Assert.Equal("2026-12-02T11:00:00Z", second["digestStartTime"]!.GetValue<string>());
        Assert.Equal(Path.GetRelativePath(fixture.Directory, first).Replace('\\', '/'), second["previousDigestS3Object"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TrailFiles.Gunzip(first))), second["previousDigestHashValue"]!.GetValue<string>());
        Assert.Equal("SHA-256", second["previousDigestHashAlgorithm"]!.GetValue<string>());
        Assert.Equal(DigestSignature.TryRead(first + ".sig")!.Value.Signature, second["previousDigestSignature"]!.GetValue<string>());
        Assert.Single(TrailFiles.Logs(fixture.Directory));
    }

    [Fact]
    public async Task The_hourly_timer_delivers_without_being_asked()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));

        fixture.Time.Advance(TimeSpan.FromHours(1));

        await WaitForDigestAsync(fixture);
        Assert.Single(TrailFiles.Digests(fixture.Directory));
        Assert.Single(TrailFiles.Logs(fixture.Directory));
    }

    [Fact]
    public async Task An_early_delivery_request_delivers_nothing_and_the_boundary_still_does()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        fixture.Time.SetUtcNow(Ten.AddHours(1).AddMilliseconds(-100));

        await fixture.Trail.DeliverIfDueAsync();
        Assert.Empty(TrailFiles.Digests(fixture.Directory));

        fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        await WaitForDigestAsync(fixture);
        Assert.Equal("2026-12-02T11:00:00Z", TrailFiles.ReadJson(Assert.Single(TrailFiles.Digests(fixture.Directory)))["digestEndTime"]!.GetValue<string>());
    }

    /// <summary>The timer only queues a delivery; wait for the writer to carry it out (no time is asserted).</summary>
    private static async Task WaitForDigestAsync(TrailFixture fixture)
    {
        for (var i = 0; i < 500 && TrailFiles.Digests(fixture.Directory).Count == 0; i++)
        {
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task CloseCurrent_delivers_mid_hour_and_the_chain_continues_after_a_restart()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        fixture.Time.SetUtcNow(Ten.AddMinutes(37));

        await fixture.Trail.CloseCurrentAsync();
        Assert.Single(TrailFiles.Logs(fixture.Directory));
        var first = Assert.Single(TrailFiles.Digests(fixture.Directory));
        Assert.Equal("2026-12-02T10:37:00Z", TrailFiles.ReadJson(first)["digestEndTime"]!.GetValue<string>());

        await fixture.ReopenAsync();
        fixture.Time.SetUtcNow(Ten.AddHours(3).AddMinutes(10)); // down for hours; the next delivery covers the gap
        await fixture.Trail.DeliverIfDueAsync();

        var second = TrailFiles.ReadJson(TrailFiles.Digests(fixture.Directory)[1]);
        Assert.Equal("2026-12-02T10:37:00Z", second["digestStartTime"]!.GetValue<string>());
        Assert.Equal(Path.GetRelativePath(fixture.Directory, first).Replace('\\', '/'), second["previousDigestS3Object"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_account_gets_its_own_log_files_and_chain()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(1))));
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(2), account: "444455556666")));
        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.DeliverIfDueAsync();

        var digests = TrailFiles.Digests(fixture.Directory);
        Assert.Equal(2, digests.Count);
        Assert.Equal(["111122223333", "444455556666"], digests.Select(d => TrailFiles.ReadJson(d)["awsAccountId"]!.GetValue<string>()).Order());
        Assert.Equal("irsa-audit-444455556666", TrailFiles.ReadJson(digests[1])["digestS3Bucket"]!.GetValue<string>());
        Assert.Equal(2, TrailFiles.Logs(fixture.Directory).Count);
    }

    [Fact]
    public async Task The_signing_key_is_stored_encrypted_under_the_master_key_and_rotation_keeps_retired_keys_listed()
    {
        await using var fixture = new TrailFixture(Ten);
        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.RotateSigningKeyAsync();

        var keys = fixture.Trail.ListPublicKeys(Ten, Ten.AddHours(2));
        Assert.Equal(2, keys.Count);
        Assert.Equal(Ten.AddHours(1), keys[0].ValidityEndTime);
        Assert.Null(keys[1].ValidityEndTime);
        Assert.Single(fixture.Trail.ListPublicKeys(Ten.AddHours(1).AddMinutes(1), Ten.AddHours(2)));

        await fixture.Trail.DisposeAsync();
        var wrongKey = new Irsa.Core.Security.SecretProtector(RandomNumberGenerator.GetBytes(32));
        Assert.ThrowsAny<CryptographicException>(() => AuditTrail.Open(fixture.Options, wrongKey, fixture.Time));
        await fixture.ReopenAsync();
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddHours(1))));
        await fixture.Trail.CloseCurrentAsync();
        var digest = Assert.Single(TrailFiles.Digests(fixture.Directory));
        Assert.Equal(keys[1].Fingerprint, TrailFiles.ReadJson(digest)["digestPublicKeyFingerprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bucket_and_trail_names_are_configurable()
    {
        await using var fixture = new TrailFixture(Ten);
        fixture.Options = fixture.Options with { TrailName = "audit", BucketNameFormat = "logs-{account}-bucket" };
        await fixture.ReopenAsync();
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(1))));
        await fixture.Trail.CloseCurrentAsync();

        var digest = Assert.Single(TrailFiles.Digests(fixture.Directory));
        Assert.Contains("_CloudTrail-Digest_us-east-1_audit_us-east-1_", digest, StringComparison.Ordinal);
        var json = TrailFiles.ReadJson(digest);
        Assert.Equal("logs-111122223333-bucket", json["digestS3Bucket"]!.GetValue<string>());
        Assert.Equal("logs-111122223333-bucket", json["logFiles"]![0]!["s3Bucket"]!.GetValue<string>());
    }

    [Fact]
    public async Task Files_a_crash_left_unwritten_are_written_again_byte_for_byte_on_open()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.DeliverIfDueAsync();
        var log = Assert.Single(TrailFiles.Logs(fixture.Directory));
        var digest = Assert.Single(TrailFiles.Digests(fixture.Directory));
        var logContent = TrailFiles.Gunzip(log);
        var digestContent = TrailFiles.Gunzip(digest);
        await fixture.Trail.DisposeAsync();

        // The state a crash after the delivery's commit and before its files leaves behind.
        File.Delete(log);
        File.Delete(digest);
        File.Delete(digest + ".sig");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.Options.JournalPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE log_files SET written = 0; UPDATE digests SET written = 0;";
            await command.ExecuteNonQueryAsync();
        }

        await fixture.ReopenAsync();

        Assert.Equal(logContent, TrailFiles.Gunzip(log));
        Assert.Equal(digestContent, TrailFiles.Gunzip(digest));
        var report = await Irsa.Audit.Verification.AuditVerifier.VerifyAsync(fixture.Directory, Ten, Ten.AddHours(1), fixture.Trail.ListPublicKeys(Ten, Ten.AddHours(3)));
        Assert.True(report.IsValid);
        Assert.Equal((1, 1), (report.ValidDigests, report.ValidLogs));
    }

    [Fact]
    public async Task Appending_to_a_disposed_trail_fails_and_writes_nothing()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        await fixture.Trail.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity())));
        await using var reopened = fixture.Open();
        Assert.Single(await reopened.Queries.ReadAfterAsync(0, 10));
    }
}
