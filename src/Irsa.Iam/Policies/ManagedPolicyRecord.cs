using Irsa.Core.Aws;
using Irsa.Iam.Common;
using Irsa.Storage;

namespace Irsa.Iam.Policies;

/// <summary>A stored customer managed policy with all its versions (at most five).</summary>
public sealed record ManagedPolicyRecord
{
    public const int MaxVersions = 5;

    public required string AccountId { get; init; }

    public required string PolicyName { get; init; }

    public required string PolicyId { get; init; }

    public string Path { get; init; } = "/";

    public string? Description { get; init; }

    public required DateTimeOffset CreateDate { get; init; }

    public required DateTimeOffset UpdateDate { get; init; }

    public required string DefaultVersionId { get; init; }

    /// <summary>The number the next version gets; IAM never reuses version ids.</summary>
    public int NextVersionNumber { get; init; } = 2;

    public IReadOnlyList<PolicyVersionRecord> Versions { get; init; } = [];

    public int AttachmentCount { get; init; }

    public int PermissionsBoundaryUsageCount { get; init; }

    public IReadOnlyList<IamTag> Tags { get; init; } = [];

    public string Arn => $"arn:{IamProtocol.Partition}:iam::{AccountId}:policy{Path}{PolicyName}";

    public PolicyVersionRecord DefaultVersion => Versions.First(v => v.VersionId == DefaultVersionId);
}

/// <summary>One version of a managed policy; the document is verbatim.</summary>
public sealed record PolicyVersionRecord(string VersionId, string Document, DateTimeOffset CreateDate);

/// <summary>Resolves policy ARNs to managed policies of one account.</summary>
internal static class ManagedPolicies
{
    /// <summary>The store key of the policy an ARN names in <paramref name="accountId"/>, or <c>null</c> when it names none there.</summary>
    public static string? KeyFor(string accountId, string policyArn)
    {
        if (!Arn.TryParse(policyArn, out var arn) || arn.Service != "iam" || arn.Account != accountId
            || !arn.Resource.StartsWith("policy/", StringComparison.Ordinal))
        {
            return null;
        }

        var name = arn.Resource[(arn.Resource.LastIndexOf('/') + 1)..];
        return name.Length == 0 ? null : IamCollections.NameKey(accountId, name);
    }

    /// <summary>Loads the policy an ARN names (path included) in the caller's account, or <c>null</c>.</summary>
    public static async Task<Versioned<ManagedPolicyRecord>?> FindAsync(IDocumentSession session, string accountId, string policyArn)
    {
        if (KeyFor(accountId, policyArn) is not { } key)
        {
            return null;
        }

        var policy = await session.GetVersionedAsync<ManagedPolicyRecord>(IamCollections.Policies, key);
        return policy is not null && policy.Value.Arn == policyArn ? policy : null;
    }

    public static async Task<Versioned<ManagedPolicyRecord>?> FindAsync(IDocumentStore store, string accountId, string policyArn, CancellationToken cancellationToken)
    {
        if (KeyFor(accountId, policyArn) is not { } key)
        {
            return null;
        }

        var policy = await store.GetVersionedAsync<ManagedPolicyRecord>(IamCollections.Policies, key, cancellationToken);
        return policy is not null && policy.Value.Arn == policyArn ? policy : null;
    }

    public static Task<long> SaveAsync(IDocumentSession session, Versioned<ManagedPolicyRecord> original, ManagedPolicyRecord updated) =>
        session.PutAsync(IamCollections.Policies, IamCollections.NameKey(updated.AccountId, updated.PolicyName), updated, original.Version);
}
