using Irsa.Audit.Journal;
using Irsa.Audit.Query;
using Irsa.Audit.Verification;

namespace Irsa.Audit.Tests.Journal;

public class RetentionTests
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pruning_deletes_old_rows_logs_and_digests_and_the_kept_chain_still_verifies_from_its_oldest_digest()
    {
        await using var fixture = new TrailFixture(Ten);
        fixture.Options = fixture.Options with { Retention = TimeSpan.FromHours(2) };
        await fixture.ReopenAsync();
        var old = Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5));
        var recent = Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddHours(2).AddMinutes(5));
        await fixture.Trail.AppendAsync(new AuditEntry(old));
        fixture.Time.SetUtcNow(Ten.AddHours(1));
        await fixture.Trail.DeliverIfDueAsync();
        fixture.Time.SetUtcNow(Ten.AddHours(2));
        await fixture.Trail.DeliverIfDueAsync();
        await fixture.Trail.AppendAsync(new AuditEntry(recent));
        fixture.Time.SetUtcNow(Ten.AddHours(3));
        await fixture.Trail.DeliverIfDueAsync();
        var end = Ten.AddHours(3);

        fixture.Time.SetUtcNow(Ten.AddHours(3).AddMinutes(30)); // cutoff 11:30: the 11:00 delivery is out of retention
        var result = await fixture.Trail.PruneAsync();

        Assert.Equal(new PruneResult(Digests: 1, LogFiles: 1, Records: 1), result);
        Assert.Equal(2, TrailFiles.Digests(fixture.Directory).Count);
        Assert.Single(TrailFiles.Logs(fixture.Directory));
        Assert.Equal([recent.EventId], (await fixture.Trail.Queries.QueryAsync(new AuditFilter())).Events.Select(e => e.EventId));

        var keys = fixture.Trail.ListPublicKeys(Ten, end.AddHours(2));
        var kept = fixture.Trail.OldestDigestStart();
        Assert.Equal(Ten.AddHours(1), kept);
        var fromKept = await AuditVerifier.VerifyAsync(fixture.Directory, kept!.Value, end, keys);
        Assert.Empty(fromKept.Problems);
        Assert.Equal((2, 1), (fromKept.ValidDigests, fromKept.ValidLogs));

        // Asking for the pruned hour reports its digest missing, as validate-logs would.
        var fromPruned = await AuditVerifier.VerifyAsync(fixture.Directory, Ten, end, keys);
        Assert.Contains(fromPruned.Problems, p => p.EndsWith("\tINVALID: not found", StringComparison.Ordinal) && p.StartsWith("Digest file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pruning_keeps_everything_inside_the_window()
    {
        await using var fixture = new TrailFixture(Ten);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(5))));
        await fixture.Trail.CloseCurrentAsync();

        fixture.Time.SetUtcNow(Ten.AddDays(89));
        var result = await fixture.Trail.PruneAsync();

        Assert.Equal(new PruneResult(0, 0, 0), result);
        Assert.Single(TrailFiles.Logs(fixture.Directory));
        Assert.Single(await fixture.Trail.Queries.ReadAfterAsync(0));
    }
}
