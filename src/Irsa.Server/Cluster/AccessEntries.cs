using Irsa.Core.Aws;
using Irsa.Storage;

namespace Irsa.Server.Cluster;

/// <summary>An EKS access entry as stored: which IAM principal it maps, to which Kubernetes user, with which policies.</summary>
public sealed record AccessEntryRecord
{
    public required string ClusterId { get; init; }

    public required string ClusterName { get; init; }

    /// <summary>The principal ARN as the entry was created with (a role's path included).</summary>
    public required string PrincipalArn { get; init; }

    /// <summary>The ARN EKS tokens authenticate as (<see cref="AccessEntries.CanonicalArn"/>); the entry's key.</summary>
    public required string CanonicalArn { get; init; }

    /// <summary>The role's unique id when the entry was created, so that a role re-created under the name does not match.</summary>
    public string? PrincipalId { get; init; }

    public required string AccessEntryArn { get; init; }

    public List<string> KubernetesGroups { get; init; } = [];

    /// <summary>The username template (EKS's default when none was given).</summary>
    public required string Username { get; init; }

    public string Type { get; init; } = "STANDARD";

    public Dictionary<string, string> Tags { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>The associated access policies, in association order; one per policy ARN.</summary>
    public List<AssociatedAccessPolicy> Policies { get; init; } = [];
}

/// <summary>An access policy associated with an entry, and where it applies.</summary>
/// <param name="PolicyArn">The access policy (one of <see cref="AccessPolicies.All"/>).</param>
/// <param name="ScopeType"><c>cluster</c> or <c>namespace</c>.</param>
/// <param name="AssociatedAt">When it was first associated.</param>
/// <param name="ModifiedAt">When its scope last changed.</param>
/// <param name="Namespaces">Empty for <c>cluster</c> scope; the namespaces (a trailing <c>*</c> allowed) for <c>namespace</c> scope.</param>
public sealed record AssociatedAccessPolicy(string PolicyArn, string ScopeType, List<string> Namespaces, DateTimeOffset AssociatedAt, DateTimeOffset ModifiedAt);

/// <summary>Access entries in the store (one document per cluster and principal) and the rules that shape them.</summary>
public static class AccessEntries
{
    public const string Collection = "eks-access-entries";

    public const string ConfigMapMode = "CONFIG_MAP";
    public const string ApiAndConfigMapMode = "API_AND_CONFIG_MAP";
    public const string ApiMode = "API";

    public const string ClusterScope = "cluster";
    public const string NamespaceScope = "namespace";

    /// <summary>Whether access entries exist in this mode (they do not in <c>CONFIG_MAP</c>).</summary>
    public static bool Enabled(ClusterRecord cluster) => cluster.EffectiveAuthenticationMode != ConfigMapMode;

    /// <summary>
    /// The ARN an IAM identity is known by to EKS, as aws-iam-authenticator canonicalizes it: a role session is its role
    /// without path (<c>arn:aws:iam::A:role/NAME</c>), a role ARN loses its path, users and roots stay as they are.
    /// <c>null</c> for anything else.
    /// </summary>
    public static string? CanonicalArn(string arn)
    {
        if (!Arn.TryParse(arn, out var parsed) || parsed.Partition != "aws" || !AwsIds.IsAccountId(parsed.Account))
        {
            return null;
        }

        var resource = parsed.Resource;
        if (parsed.Service == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var parts = resource.Split('/');
            return parts.Length >= 3 && parts[1].Length > 0 ? $"arn:aws:iam::{parsed.Account}:role/{parts[1]}" : null;
        }

        if (parsed.Service != "iam")
        {
            return null;
        }

        if (resource.StartsWith("role/", StringComparison.Ordinal))
        {
            return $"arn:aws:iam::{parsed.Account}:role/{resource[(resource.LastIndexOf('/') + 1)..]}";
        }

        return resource.StartsWith("user/", StringComparison.Ordinal) || resource == "root" ? arn : null;
    }

    public static string Key(string clusterId, string canonicalArn) => clusterId + "/" + canonicalArn;

    public static Task<AccessEntryRecord?> FindAsync(IDocumentStore store, string clusterId, string canonicalArn, CancellationToken cancellationToken) =>
        store.GetAsync<AccessEntryRecord>(Collection, Key(clusterId, canonicalArn), cancellationToken);

    /// <summary>The entry EKS's bootstrap gives the cluster's creator: STANDARD, with <c>AmazonEKSClusterAdminPolicy</c> at cluster scope.</summary>
    public static AccessEntryRecord Bootstrap(ClusterRecord cluster, string creatorArn, string? principalId, DateTimeOffset now)
    {
        var canonical = CanonicalArn(creatorArn) ?? creatorArn;
        return new AccessEntryRecord
        {
            ClusterId = cluster.Id,
            ClusterName = cluster.Name,
            PrincipalArn = creatorArn,
            CanonicalArn = canonical,
            PrincipalId = principalId,
            AccessEntryArn = EntryArn(cluster, canonical),
            Username = DefaultUsername(canonical),
            CreatedAt = now,
            ModifiedAt = now,
            Policies = [new AssociatedAccessPolicy(AccessPolicies.ClusterAdmin.Arn, ClusterScope, [], now, now)],
        };
    }

    /// <summary><c>arn:aws:eks:R:A:access-entry/CLUSTER/role|user/ACCOUNT/NAME/UUID</c>.</summary>
    public static string EntryArn(ClusterRecord cluster, string canonicalArn) =>
        EntryArnPrefix(cluster, canonicalArn) + "/" + Guid.NewGuid().ToString("D");

    /// <summary>The entry ARN without its unique suffix (what a policy names before the entry exists).</summary>
    public static string EntryArnPrefix(ClusterRecord cluster, string canonicalArn)
    {
        var principal = Parse(canonicalArn);
        var kind = principal.Resource.StartsWith("role/", StringComparison.Ordinal) ? "role" : "user";
        var name = principal.Resource[(principal.Resource.LastIndexOf('/') + 1)..];
        return $"arn:aws:eks:{cluster.Region}:{cluster.AccountId}:access-entry/{cluster.Name}/{kind}/{principal.Account}/{name}";
    }

    /// <summary>EKS's default username: the user ARN, or the role's session ARN with the session name left to fill in.</summary>
    public static string DefaultUsername(string canonicalArn)
    {
        var principal = Parse(canonicalArn);
        return principal.Resource.StartsWith("role/", StringComparison.Ordinal)
            ? $"arn:aws:sts::{principal.Account}:assumed-role/{principal.Resource["role/".Length..]}/{{{{SessionName}}}}"
            : canonicalArn;
    }

    private static Arn Parse(string arn) => Arn.TryParse(arn, out var parsed) ? parsed : throw new ArgumentException($"{arn} is not an ARN", nameof(arn));

    /// <summary>Deletes every entry of a cluster (with the cluster, in its transaction).</summary>
    public static async Task DeleteClusterAsync(IDocumentSession session, string clusterId)
    {
        foreach (var document in await session.ListAsync(Collection, clusterId + "/"))
        {
            await session.DeleteAsync(Collection, document.Key);
        }
    }
}
