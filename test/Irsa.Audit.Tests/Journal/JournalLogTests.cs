using Irsa.Audit.Journal;
using Irsa.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Tests.Journal;

/// <summary>The journal's log: entries are acknowledged once written there, and indexed for queries later.</summary>
public class JournalLogTests
{
    [Fact]
    public async Task Entries_are_indexed_in_the_background_once_appends_pause_and_the_log_is_then_emptied()
    {
        await using var fixture = new TrailFixture();
        for (var i = 0; i < 3; i++)
        {
            await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        }

        Assert.Equal(0, IndexedRows(fixture));
        Assert.True(new FileInfo(LogPath(fixture)).Length > JournalLog.Start);

        fixture.Time.Advance(fixture.Options.IndexIdle);

        await WaitUntil(() => IndexedRows(fixture) == 3);
        await WaitUntil(() => new FileInfo(LogPath(fixture)).Length == JournalLog.Start);
    }

    [Fact]
    public async Task An_entry_larger_than_a_frame_buffer_is_written_whole_and_the_next_small_one_after_it()
    {
        await using var fixture = new TrailFixture();
        // A policy text of 300 KB: far past the frame buffer's first size and past the size a thread keeps.
        var text = new string('x', 300 * 1024);
        var large = Samples.AssumeRoleWithWebIdentity() with { ErrorCode = "AccessDenied", ErrorMessage = "denied" };
        await fixture.Trail.AppendAsync(new AuditEntry(large)
        {
            Explanation = new Explanation("ImplicitDeny", "No statement allowed.", [], [new PolicyExcerpt("trust policy", 1, 1, text)]),
        });
        var small = Samples.AssumeRoleWithWebIdentity();
        await fixture.Trail.AppendAsync(new AuditEntry(small));

        var found = await fixture.Trail.Queries.FindByRequestIdAsync(large.RequestId);
        Assert.Equal(text, found!.Explanation!.Policies[0].Text);
        Assert.Equal(small.EventId, (await fixture.Trail.Queries.FindByRequestIdAsync(small.RequestId))!.EventId);
    }

    [Fact]
    public async Task A_backlog_over_its_bound_is_indexed_while_appends_go_on()
    {
        await using var fixture = new TrailFixture();
        fixture.Options = fixture.Options with { IndexBacklogBytes = 1 };
        await fixture.ReopenAsync();

        for (var i = 0; i < 5; i++)
        {
            await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        }

        // No pause, no query: the bound alone makes the writer index.
        await WaitUntil(() => IndexedRows(fixture) == 5);
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("checksum")]
    public async Task A_torn_last_frame_is_cut_off_at_open_and_every_whole_frame_is_kept(string damage)
    {
        var fixture = new TrailFixture();
        var kept = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var record = Samples.AssumeRoleWithWebIdentity();
            await fixture.Trail.AppendAsync(new AuditEntry(record));
            kept.Add(record.EventId);
        }

        var lastRecord = Samples.AssumeRoleWithWebIdentity();
        var last = await fixture.Trail.AppendAsync(new AuditEntry(lastRecord));
        var end = fixture.Trail.LogEnd;
        // The process "dies" (no dispose) during the last frame's write.
        await using (var file = new FileStream(LogPath(fixture), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            if (damage == "cut short")
            {
                file.SetLength(end - 7);
            }
            else
            {
                file.Position = end - 100;
                var b = file.ReadByte();
                file.Position = end - 100;
                file.WriteByte((byte)(b ^ 0x01));
            }
        }

        await using var reopened = fixture.Open();
        var stored = await reopened.Queries.ReadAfterAsync(0, 100);
        Assert.Equal(kept, stored.Select(e => e.EventId));
        Assert.DoesNotContain(stored, e => e.EventId == lastRecord.EventId);
        Assert.Equal(JournalLog.Start, new FileInfo(LogPath(fixture)).Length);

        // Numbering goes on after the entries kept: in a real crash the torn frame's write never completed, so no caller
        // was answered with its number.
        var next = await reopened.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        Assert.Equal(last, next);
    }

    [Fact]
    public async Task The_zeros_after_the_last_frame_are_cut_off_at_open_and_every_frame_is_kept()
    {
        var fixture = new TrailFixture();
        var kept = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var record = Samples.AssumeRoleWithWebIdentity();
            await fixture.Trail.AppendAsync(new AuditEntry(record));
            kept.Add(record.EventId);
        }

        // The file is grown ahead of its frames; the process then "dies" (no dispose) with the tail still zeros.
        Assert.True(new FileInfo(LogPath(fixture)).Length > fixture.Trail.LogEnd);

        await using var reopened = fixture.Open();
        Assert.Equal(kept, (await reopened.Queries.ReadAfterAsync(0, 100)).Select(e => e.EventId));
        Assert.Equal(JournalLog.Start, new FileInfo(LogPath(fixture)).Length);
    }

    [Fact]
    public async Task A_frame_damaged_while_the_trail_runs_fails_queries_and_drops_nothing()
    {
        await using var fixture = new TrailFixture();
        for (var i = 0; i < 3; i++)
        {
            await fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity()));
        }

        var length = new FileInfo(LogPath(fixture)).Length;
        await using (var file = new FileStream(LogPath(fixture), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = JournalLog.Start + 40; // Inside the first frame's payload.
            var b = file.ReadByte();
            file.Position = JournalLog.Start + 40;
            file.WriteByte((byte)(b ^ 0x01));
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => fixture.Trail.Queries.ReadAfterAsync(0, 100));
        Assert.Equal(length, new FileInfo(LogPath(fixture)).Length);
        Assert.Equal(0, IndexedRows(fixture));
    }

    private static string LogPath(TrailFixture fixture) => Path.Combine(fixture.Directory, JournalLog.FileName);

    private static long IndexedRows(TrailFixture fixture)
    {
        using var connection = new SqliteConnection($"Data Source={fixture.Options.JournalPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM events";
        return (long)count.ExecuteScalar()!;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 10_000, "timed out waiting for the writer");
            await Task.Delay(20);
        }
    }
}
