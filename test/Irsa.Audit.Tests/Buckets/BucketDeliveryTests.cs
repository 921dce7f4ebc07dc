using System.Text.Json;
using Irsa.Audit.Buckets;
using Irsa.Audit.Journal;

namespace Irsa.Audit.Tests.Buckets;

/// <summary>Delivery into the buckets: what is put, in which order, and how failures are retried and reported.</summary>
public sealed class BucketDeliveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TrailFixture _fixture = new(Ten);
    private readonly RecordingStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Logs_go_before_their_digest_and_digests_carry_the_signature_metadata()
    {
        _fixture.Trail.StartBucketDelivery(_store);
        await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        _fixture.Time.SetUtcNow(Ten.AddHours(1));
        await _fixture.Trail.DeliverIfDueAsync();

        // The pass the delivery woke may have run already; this one returns after it, with nothing left to put.
        var result = await _fixture.Trail.DeliverToBucketsAsync();

        Assert.Equal(0, result.Failed);
        Assert.Equal([("111122223333", "irsa-audit-111122223333")], _store.Buckets);
        Assert.Collection(_store.Puts,
            log => Assert.Contains("/CloudTrail/us-east-1/", log.Key, StringComparison.Ordinal),
            digest =>
            {
                Assert.Contains("/CloudTrail-Digest/us-east-1/", digest.Key, StringComparison.Ordinal);
                Assert.Equal("SHA256withRSA", digest.Metadata["signature-algorithm"]);
                Assert.Matches("^[0-9a-f]{512}$", digest.Metadata["signature"]);
            });
        // Each object is the file the trail wrote under its folder for that key, streamed by the store.
        Assert.All(_store.Puts, put => Assert.Equal(Path.GetFullPath(Path.Combine(_fixture.Directory, put.Key)), Path.GetFullPath(put.ContentPath)));
        Assert.Equal(new BucketDeliveryResult(0, 0), await _fixture.Trail.DeliverToBucketsAsync());
        Assert.Equal(2, _store.Puts.Count);
    }

    [Fact]
    public async Task A_failed_put_is_reported_in_the_trail_status_and_delivered_on_retry()
    {
        _store.FailuresLeft = 1;
        _fixture.Trail.StartBucketDelivery(_store);
        await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        _fixture.Time.SetUtcNow(Ten.AddHours(1));
        await _fixture.Trail.DeliverIfDueAsync();

        // The background pass woken by the delivery, or this one, meets the failure; the status shows it.
        await WaitUntilAsync(() => _fixture.Trail.GetTrailStatus(Samples.Account).LatestAttempt is not null);
        var failed = _fixture.Trail.GetTrailStatus(Samples.Account).ToJson();
        Assert.Equal("AccessDenied", failed["LatestDeliveryError"]!.GetValue<string>());
        Assert.Null(failed["LatestDeliveryTime"]);
        Assert.Empty(_store.Puts);

        var retried = await _fixture.Trail.DeliverToBucketsAsync();

        Assert.Equal(new BucketDeliveryResult(2, 0), retried);
        var status = _fixture.Trail.GetTrailStatus(Samples.Account).ToJson();
        Assert.Null(status["LatestDeliveryError"]);
        Assert.Equal(Ten.AddHours(1).ToUnixTimeSeconds(), status["LatestDeliveryTime"]!.GetValue<long>());
        Assert.Equal(Ten.AddHours(1).ToUnixTimeSeconds(), status["LatestDigestDeliveryTime"]!.GetValue<long>());
        Assert.Equal(Ten.ToUnixTimeSeconds(), status["StartLoggingTime"]!.GetValue<long>());
        Assert.Equal("2026-12-02T10:00:00Z", status["TimeLoggingStarted"]!.GetValue<string>());
    }

    [Fact]
    public async Task Files_written_before_delivery_started_are_delivered_when_it_starts()
    {
        await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        await _fixture.Trail.CloseCurrentAsync();
        await _fixture.ReopenAsync();

        _fixture.Trail.StartBucketDelivery(_store);
        await WaitUntilAsync(() => _store.Puts.Count == 2);

        Assert.Throws<InvalidOperationException>(() => _fixture.Trail.StartBucketDelivery(_store));
    }

    [Fact]
    public async Task DescribeTrails_GetTrail_and_GetTrailStatus_find_the_accounts_trail_by_name_or_ARN()
    {
        var trail = _fixture.Trail;
        const string Arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/irsa";

        var all = trail.DescribeTrails(Json("{}"), Samples.Account, "us-east-1").Response!;
        var described = Assert.Single(all["trailList"]!.AsArray())!;
        Assert.Equal(Arn, described["TrailARN"]!.GetValue<string>());
        Assert.Equal("irsa-audit-111122223333", described["S3BucketName"]!.GetValue<string>());
        Assert.True(described["LogFileValidationEnabled"]!.GetValue<bool>());
        Assert.True(described["IsMultiRegionTrail"]!.GetValue<bool>());
        Assert.Equal("us-east-1", described["HomeRegion"]!.GetValue<string>());
        Assert.Null(described["S3KeyPrefix"]);

        Assert.Single(trail.DescribeTrails(Json($$"""{"trailNameList":["{{Arn}}"]}"""), Samples.Account, "us-east-1").Response!["trailList"]!.AsArray());
        Assert.Empty(trail.DescribeTrails(Json("""{"trailNameList":["other"]}"""), Samples.Account, "us-east-1").Response!["trailList"]!.AsArray());
        Assert.Single(trail.DescribeTrails(Json("{}"), Samples.Account, "eu-west-1").Response!["trailList"]!.AsArray());
        Assert.Empty(trail.DescribeTrails(Json("""{"includeShadowTrails":false}"""), Samples.Account, "eu-west-1").Response!["trailList"]!.AsArray());
        Assert.Equal("InvalidTrailNameException", trail.DescribeTrails(Json("""{"trailNameList":["a"]}"""), Samples.Account, "us-east-1").Error!.Code);
        Assert.Equal("CloudTrailARNInvalidException", trail.DescribeTrails(Json("""{"trailNameList":["arn:aws:s3:::b"]}"""), Samples.Account, "us-east-1").Error!.Code);

        Assert.Equal(Arn, trail.GetTrail(Json("""{"Name":"irsa"}"""), Samples.Account, "us-east-1").Response!["Trail"]!["TrailARN"]!.GetValue<string>());
        var otherAccount = trail.GetTrail(Json($$"""{"Name":"{{Arn}}"}"""), "444455556666", "us-east-1").Error!;
        Assert.Equal(("TrailNotFoundException", $"Unknown trail: {Arn} for the user: 444455556666"), (otherAccount.Code, otherAccount.Message));
        Assert.Equal("TrailNotFoundException", trail.GetTrailStatus(Json("""{"Name":"missing"}"""), Samples.Account, "us-east-1").Error!.Code);
        Assert.True(trail.GetTrailStatus(Json($$"""{"Name":"{{Arn}}"}"""), Samples.Account, "us-east-1").Response!["IsLogging"]!.GetValue<bool>());
    }

    private static JsonElement Json(string text) => JsonSerializer.Deserialize<JsonElement>(text);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    private sealed class RecordingStore : ITrailObjectStore
    {
        private readonly Lock _lock = new();

        public int FailuresLeft { get; set; }

        public List<(string Account, string Bucket)> Buckets { get; } = [];

        public List<TrailObject> Puts { get; } = [];

        public Task EnsureBucketAsync(string accountId, string bucket, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (!Buckets.Contains((accountId, bucket)))
                {
                    Buckets.Add((accountId, bucket));
                }
            }

            return Task.CompletedTask;
        }

        public Task PutObjectAsync(TrailObject trailObject, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (FailuresLeft > 0)
                {
                    FailuresLeft--;
                    throw new InvalidOperationException("AccessDenied");
                }

                Puts.Add(trailObject);
            }

            return Task.CompletedTask;
        }
    }
}
