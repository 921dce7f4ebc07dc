namespace Irsa.Audit.Journal;

/// <summary>Where and how the audit trail keeps its journal, log files and digests.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>The folder the trail owns: <c>journal.log</c>, <c>journal.db</c> and the <c>AWSLogs/</c> tree live here.</summary>
    public required string Directory { get; init; }

    /// <summary>The trail's name, part of every digest file name.</summary>
    public string TrailName { get; init; } = "irsa";

    /// <summary>The trail's home region, part of every digest file name.</summary>
    public string HomeRegion { get; init; } = "us-east-1";

    /// <summary>The bucket named in digests (<c>digestS3Bucket</c>, <c>s3Bucket</c>); <c>{account}</c> is replaced by the account id.</summary>
    public string BucketNameFormat { get; init; } = "irsa-audit-{account}";

    /// <summary>
    /// The trail's S3 key prefix (CloudTrail's <c>S3KeyPrefix</c>), put before <c>AWSLogs/</c> in every log and digest key,
    /// and so also in their paths under <see cref="Directory"/>; <c>null</c> for none.
    /// </summary>
    public string? KeyPrefix { get; init; }

    /// <summary>How long records, log files and digests are kept by <see cref="AuditTrail.PruneAsync"/>.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How far behind the last answered call the journal may be fsynced. Every append is written to the journal's log
    /// before <see cref="AuditTrail.AppendAsync"/> completes, so it survives the process being killed; it survives a power
    /// loss once a sync has passed over it, at most this long later. <c>null</c>: each append also waits for an fsync that
    /// began after its write (power-loss safe; each call then waits for the disk's fsync latency, and one fsync serves
    /// every append waiting for it).
    /// </summary>
    public TimeSpan? SyncInterval { get; init; } = DefaultSyncInterval;

    /// <summary>100 ms, like the journal commit interval of the databases that group-commit the same way.</summary>
    public static readonly TimeSpan DefaultSyncInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long appends must pause before the log's entries are indexed for queries in the background (queries, deliveries
    /// and a graceful stop index everything first, whatever this says).
    /// </summary>
    public TimeSpan IndexIdle { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How much unindexed log makes indexing run under load too (chunk after chunk beside the appends, until caught up): bounds the
    /// log file, the work a query may wait for before it answers, and the replay after a crash. 64 MiB is about 30,000
    /// records, two to three seconds of indexing on a small machine.
    /// </summary>
    public long IndexBacklogBytes { get; init; } = 64L * 1024 * 1024;

    public string JournalPath => Path.Combine(Directory, JournalSchema.FileName);

    public string BucketFor(string accountId) => BucketNameFormat.Replace("{account}", accountId, StringComparison.Ordinal);

    /// <summary>The trail's ARN in an account: <c>arn:aws:cloudtrail:HOME:ACCOUNT:trail/NAME</c> (validate-logs' <c>--trail-arn</c>).</summary>
    public string TrailArnFor(string accountId) => $"arn:aws:cloudtrail:{HomeRegion}:{accountId}:trail/{TrailName}";
}
