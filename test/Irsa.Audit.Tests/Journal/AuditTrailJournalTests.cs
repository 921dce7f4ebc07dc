using System.Diagnostics;
using Irsa.Audit.Journal;
using Irsa.Core.Audit;

namespace Irsa.Audit.Tests.Journal;

public class AuditTrailJournalTests
{
    [Fact]
    public async Task Concurrent_appends_are_all_committed_with_distinct_sequences()
    {
        await using var fixture = new TrailFixture();
        var records = Enumerable.Range(0, 300).Select(_ => Samples.AssumeRoleWithWebIdentity()).ToList();

        var sequences = await Task.WhenAll(records.Select(r => Task.Run(() => fixture.Trail.AppendAsync(new AuditEntry(r)))));

        Assert.Equal(300, sequences.Distinct().Count());
        var page = await fixture.Trail.Queries.ReadAfterAsync(0, 1000);
        Assert.Equal(records.Select(r => r.EventId).Order(), page.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task With_no_sync_interval_appends_wait_for_an_fsync_and_those_waiting_together_share_one()
    {
        await using var fixture = new TrailFixture();
        fixture.Options = fixture.Options with { SyncInterval = null };
        await fixture.ReopenAsync();
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        Assert.Equal(1, fixture.Trail.Syncs);

        // Hold the disk as a slow fsync would: every append is written, none is answered, and they then share few fsyncs.
        await fixture.Trail.SyncGate.WaitAsync();
        var appends = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity())))).ToList();
        while (fixture.Trail.Writes < 201)
        {
            await Task.Delay(10);
        }

        await Task.Delay(100);
        Assert.DoesNotContain(appends, append => append.IsCompleted);
        fixture.Trail.SyncGate.Release();
        var sequences = await Task.WhenAll(appends);

        Assert.Equal(200, sequences.Distinct().Count());
        Assert.InRange(fixture.Trail.Syncs, 2, 3);
        Assert.Equal(201, (await fixture.Trail.Queries.ReadAfterAsync(0, 1000)).Count);
    }

    [Fact]
    public async Task The_sync_interval_fsyncs_only_after_writes_and_fsync_each_batch_mode_has_no_timer()
    {
        await using var fixture = new TrailFixture();
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));

        fixture.Time.Advance(AuditTrailOptions.DefaultSyncInterval);
        Assert.Equal(1, fixture.Trail.Syncs);
        // Nothing committed since: the next tick does not touch the disk.
        fixture.Time.Advance(AuditTrailOptions.DefaultSyncInterval);
        Assert.Equal(1, fixture.Trail.Syncs);
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        fixture.Time.Advance(AuditTrailOptions.DefaultSyncInterval);
        Assert.Equal(2, fixture.Trail.Syncs);

        fixture.Options = fixture.Options with { SyncInterval = null };
        await fixture.ReopenAsync();
        await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        Assert.Equal(1, fixture.Trail.Syncs); // The append's own fsync; no timer adds any.
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fixture.Trail.Syncs);
        Assert.Equal(3, (await fixture.Trail.Queries.ReadAfterAsync(0, 10)).Count);
    }

    [Fact]
    public async Task Entries_and_explanations_survive_abandoning_the_trail_without_dispose()
    {
        var fixture = new TrailFixture();
        var explanation = new Explanation("ExplicitDeny", "A Deny statement matched.", ["action sts:AssumeRoleWithWebIdentity"],
            [new PolicyExcerpt("trust policy of arn:aws:iam::111122223333:role/app", 3, 7, "{\n  \"Effect\": \"Deny\"\n}")]);
        var record = Samples.AssumeRoleWithWebIdentity() with { ErrorCode = "AccessDenied", ErrorMessage = "denied" };
        await fixture.Trail.AppendAsync(new AuditEntry(record) { Explanation = explanation });

        // No DisposeAsync: the process "dies" with the connection open; a second trail reopens the same folder.
        await using var reopened = fixture.Open();
        var found = await reopened.Queries.FindByRequestIdAsync(record.RequestId);

        Assert.NotNull(found);
        Assert.Equal(record.EventId, found.EventId);
        Assert.Equal(explanation.Check, found.Explanation!.Check);
        Assert.Equal(explanation.Policies[0].Text, found.Explanation.Policies[0].Text);
    }

    [Fact]
    public async Task Every_acknowledged_entry_survives_kill_9_of_the_writing_process()
    {
        await using var fixture = new TrailFixture();
        await fixture.Trail.DisposeAsync();
        var testAssembly = typeof(CrashWriter).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { testAssembly, "crash-writer", fixture.Directory, Convert.ToBase64String(fixture.MasterKey) })
        {
            start.ArgumentList.Add(argument);
        }

        var acknowledged = new List<string>();
        using (var child = Process.Start(start)!)
        {
            while (acknowledged.Count < 2000 && await child.StandardOutput.ReadLineAsync() is { } line)
            {
                acknowledged.Add(line);
            }

            child.Kill(); // SIGKILL: no finally blocks, no dispose, no checkpoint.
            await child.WaitForExitAsync();
        }

        Assert.Equal(2000, acknowledged.Count);
        await using var reopened = fixture.Open();
        var stored = (await reopened.Queries.ReadAfterAsync(0, 1_000_000)).Select(e => e.EventId).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
    }
}
