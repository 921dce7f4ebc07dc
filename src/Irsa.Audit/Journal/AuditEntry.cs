using Irsa.Audit.Records;
using Irsa.Core.Audit;

namespace Irsa.Audit.Journal;

/// <summary>
/// What the request pipeline hands to <see cref="AuditTrail.AppendAsync"/>: the CloudTrail record, Irsa's pod
/// attribution, and the explanation of a denial. The index fields (LookupEvents attributes and Irsa's filters) are
/// derived from the record unless overridden, so they cannot disagree with it.
/// </summary>
/// <param name="Record">The CloudTrail record, written to log files and returned by LookupEvents as is.</param>
public sealed record AuditEntry(CloudTrailRecord Record)
{
    /// <summary>The pod behind the credentials (sealed into the session at AssumeRoleWithWebIdentity).</summary>
    public PodAttribution? Pod { get; init; }

    /// <summary>The role involved; defaults to the assumed role of an <see cref="AssumedRole"/> caller.</summary>
    public string? RoleArn { get; init; }

    /// <summary>Why the call was denied or failed; stored beside the record, never inside the CloudTrail JSON.</summary>
    public Explanation? Explanation { get; init; }

    /// <summary>LookupEvents' <c>Username</c>; defaults to <see cref="UserIdentity.LookupUsername"/>.</summary>
    public string? Username { get; init; }

    /// <summary>LookupEvents' <c>Resources</c>; defaults to the record's resources, named by ARN.</summary>
    public IReadOnlyList<LookupResource>? Resources { get; init; }

    public string EventId => Record.EventId;

    public string RequestId => Record.RequestId;

    public DateTimeOffset EventTime => Record.EventTime;

    public string EventName => Record.EventName;

    public string EventSource => Record.EventSource;

    public bool ReadOnly => Record.ReadOnly;

    public string? AccessKeyId => Record.UserIdentity.LookupAccessKeyId;

    public string RecipientAccountId => Record.RecipientAccountId;

    public string? ErrorCode => Record.ErrorCode;

    internal string? EffectiveUsername => Username ?? Record.UserIdentity.LookupUsername;

    internal string? EffectiveRoleArn => RoleArn ?? (Record.UserIdentity as AssumedRole)?.RoleArn;

    internal IReadOnlyList<LookupResource> EffectiveResources =>
        Resources ?? [.. Record.Resources.Select(r => new LookupResource(r.Type, r.Arn))];
}

/// <summary>A resource as LookupEvents reports and filters it.</summary>
/// <param name="Type">For example <c>AWS::IAM::Role</c>.</param>
/// <param name="Name">The resource's name or ARN (LookupEvents' <c>ResourceName</c> matches it exactly).</param>
public sealed record LookupResource(string Type, string Name);
