namespace Irsa.Audit.Journal;

/// <summary>Where and how the audit trail keeps its journal, log files and digests.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>The folder the trail owns: <c>journal.db</c> and the <c>AWSLogs/</c> tree live here.</summary>
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
    /// How far behind the last answered call the journal may be fsynced. Every append is committed to the journal before
    /// <see cref="AuditTrail.AppendAsync"/> completes, so it survives the process being killed; it survives a power loss
    /// once a sync has passed over it, at most this long later. <c>null</c>: each batch is fsynced before its appends
    /// complete (power-loss safe, and each call then waits for the disk's fsync latency).
    /// </summary>
    public TimeSpan? SyncInterval { get; init; } = DefaultSyncInterval;

    /// <summary>100 ms, like the journal commit interval of the databases that group-commit the same way.</summary>
    public static readonly TimeSpan DefaultSyncInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The most appends committed in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 512;

    public string JournalPath => Path.Combine(Directory, JournalSchema.FileName);

    public string BucketFor(string accountId) => BucketNameFormat.Replace("{account}", accountId, StringComparison.Ordinal);

    /// <summary>The trail's ARN in an account: <c>arn:aws:cloudtrail:HOME:ACCOUNT:trail/NAME</c> (validate-logs' <c>--trail-arn</c>).</summary>
    public string TrailArnFor(string accountId) => $"arn:aws:cloudtrail:{HomeRegion}:{accountId}:trail/{TrailName}";
}
