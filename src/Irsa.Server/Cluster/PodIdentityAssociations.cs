using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Core.Aws;
using Irsa.Iam.Queries;
using Irsa.Storage;

namespace Irsa.Server.Cluster;

/// <summary>
/// EKS Pod Identity associations: which IAM role (and optional target role) the pods of one service account of one
/// cluster receive. At most one association per cluster, namespace and service account; the namespace and the service
/// account need not exist. Stored per cluster id, so deleting a cluster deletes its associations with it.
/// </summary>
public sealed class PodIdentityAssociations(IDocumentStore store, ClusterService clusters, IamQueries iam, TimeProvider time)
    : Irsa.Webhook.IPodIdentityAssociationLookup
{
    /// <summary>Associations by <c>{clusterId}/{associationId}</c>.</summary>
    public const string Collection = "eks-pod-identity-associations";

    /// <summary>The one association of a service account: <c>{clusterId}/{namespace}/{serviceAccount}</c> → association id.</summary>
    public const string SubjectCollection = "eks-pod-identity-subjects";

    /// <summary>The service principal EKS Pod Identity assumes roles as; a role's trust policy must name it.</summary>
    public const string ServicePrincipal = "pods.eks.amazonaws.com";

    /// <summary>EKS's quota of associations per cluster.</summary>
    public const int MaxPerCluster = 5000;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public async Task<PodIdentityAssociationRecord> CreateAsync(string accountId, string clusterName, CreatePodIdentityAssociationRequest request,
        CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, clusterName, cancellationToken);
        await ValidateRoleAsync(accountId, request.RoleArn, cancellationToken);
        ValidateTarget(request.TargetRoleArn);
        ValidatePolicy(request.Policy, request.DisableSessionTags);

        var now = Truncate(time.GetUtcNow());
        var record = new PodIdentityAssociationRecord
        {
            AssociationId = "a-" + RandomNumberGenerator.GetString(IdAlphabet, 17),
            AccountId = accountId,
            Region = cluster.Region,
            ClusterName = cluster.Name,
            ClusterId = cluster.Id,
            Namespace = request.Namespace,
            ServiceAccount = request.ServiceAccount,
            RoleArn = request.RoleArn,
            TargetRoleArn = request.TargetRoleArn,
            ExternalId = request.TargetRoleArn is null ? null : ExternalIdFor(cluster, request.Namespace, request.ServiceAccount),
            DisableSessionTags = request.DisableSessionTags ?? false,
            Policy = request.Policy,
            Tags = request.Tags,
            CreatedAt = now,
            ModifiedAt = now,
        };

        return await store.TransactAsync(async session =>
        {
            var subject = SubjectKey(cluster.Id, request.Namespace, request.ServiceAccount);
            if (await session.GetAsync(SubjectCollection, subject) is not null)
            {
                throw new AwsErrorException(new AwsError("ResourceInUseException", "Association already exists", 409));
            }

            if ((await session.ListAsync(SubjectCollection, cluster.Id + "/", limit: MaxPerCluster)).Count >= MaxPerCluster)
            {
                throw new AwsErrorException(new AwsError("ResourceLimitExceededException",
                    $"The cluster {cluster.Name} already has the maximum number of pod identity associations ({MaxPerCluster}).", 400));
            }

            await session.PutAsync(SubjectCollection, subject, new SubjectIndex(record.AssociationId), expectedVersion: 0);
            await session.PutAsync(Collection, Key(cluster.Id, record.AssociationId), record, expectedVersion: 0);
            return record;
        }, cancellationToken);
    }

    public async Task<PodIdentityAssociationRecord> DescribeAsync(string accountId, string clusterName, string associationId, CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, clusterName, cancellationToken);
        return await store.GetAsync<PodIdentityAssociationRecord>(Collection, Key(cluster.Id, associationId), cancellationToken)
            ?? throw NotFound(associationId);
    }

    /// <summary>Changes the role, target role, session tags or policy; the namespace and service account never change.</summary>
    public async Task<PodIdentityAssociationRecord> UpdateAsync(string accountId, string clusterName, string associationId,
        UpdatePodIdentityAssociationRequest request, CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, clusterName, cancellationToken);
        if (request.RoleArn is not null)
        {
            await ValidateRoleAsync(accountId, request.RoleArn, cancellationToken);
        }

        return await store.TransactAsync(async session =>
        {
            var current = await session.GetAsync<PodIdentityAssociationRecord>(Collection, Key(cluster.Id, associationId)) ?? throw NotFound(associationId);

            // An empty targetRoleArn removes the target role (and with it the external id).
            var target = request.TargetRoleArn is null ? current.TargetRoleArn : request.TargetRoleArn.Length == 0 ? null : request.TargetRoleArn;
            ValidateTarget(target);
            var disable = request.DisableSessionTags ?? current.DisableSessionTags;
            var policy = request.Policy is null ? current.Policy : request.Policy.Length == 0 ? null : request.Policy;
            ValidatePolicy(policy, disable);

            var updated = current with
            {
                RoleArn = request.RoleArn ?? current.RoleArn,
                TargetRoleArn = target,
                ExternalId = target is null ? null : current.ExternalId ?? ExternalIdFor(cluster, current.Namespace, current.ServiceAccount),
                DisableSessionTags = disable,
                Policy = policy,
                ModifiedAt = Truncate(time.GetUtcNow()),
            };
            if (updated.RoleArn == current.RoleArn && updated.TargetRoleArn == current.TargetRoleArn
                && updated.DisableSessionTags == current.DisableSessionTags && updated.Policy == current.Policy)
            {
                throw new AwsErrorException(new AwsError("InvalidParameterException",
                    "The request must change at least one of roleArn, targetRoleArn, disableSessionTags and policy.", 400));
            }

            await session.PutAsync(Collection, Key(cluster.Id, associationId), updated);
            return updated;
        }, cancellationToken);
    }

    public async Task<PodIdentityAssociationRecord> DeleteAsync(string accountId, string clusterName, string associationId, CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, clusterName, cancellationToken);
        return await store.TransactAsync(async session =>
        {
            var existing = await session.GetAsync<PodIdentityAssociationRecord>(Collection, Key(cluster.Id, associationId)) ?? throw NotFound(associationId);
            await session.DeleteAsync(Collection, Key(cluster.Id, associationId));
            await session.DeleteAsync(SubjectCollection, SubjectKey(cluster.Id, existing.Namespace, existing.ServiceAccount));
            return existing;
        }, cancellationToken);
    }

    /// <summary>A page of the cluster's associations in id order, filtered by namespace and service account when given.</summary>
    public async Task<(IReadOnlyList<PodIdentityAssociationRecord> Associations, string? NextToken)> ListAsync(string accountId, string clusterName,
        string? @namespace, string? serviceAccount, int max, string? after, CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, clusterName, cancellationToken);
        var prefix = cluster.Id + "/";
        var documents = await store.ListAsync(Collection, prefix, after is null ? null : prefix + after, MaxPerCluster, cancellationToken);
        var matching = documents
            .Select(d => d.Read<PodIdentityAssociationRecord>()!)
            .Where(a => (@namespace is null || a.Namespace == @namespace) && (serviceAccount is null || a.ServiceAccount == serviceAccount))
            .Take(max + 1)
            .ToList();
        return matching.Count > max ? (matching[..max], matching[max - 1].AssociationId) : (matching, null);
    }

    /// <summary>The association that gives credentials to the pods of <paramref name="serviceAccount"/>, if any.</summary>
    public async Task<PodIdentityAssociationRecord?> FindForServiceAccountAsync(string clusterId, string @namespace, string serviceAccount,
        CancellationToken cancellationToken)
    {
        var index = await store.GetAsync<SubjectIndex>(SubjectCollection, SubjectKey(clusterId, @namespace, serviceAccount), cancellationToken);
        return index is null ? null : await store.GetAsync<PodIdentityAssociationRecord>(Collection, Key(clusterId, index.AssociationId), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> HasAssociationAsync(string clusterId, string @namespace, string serviceAccount, CancellationToken cancellationToken) =>
        await store.GetAsync(SubjectCollection, SubjectKey(clusterId, @namespace, serviceAccount), cancellationToken) is not null;

    /// <summary>Removes every association of a cluster, inside the transaction that deletes it.</summary>
    public static async Task DeleteClusterAsync(IDocumentSession session, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var collection in (string[])[Collection, SubjectCollection])
        {
            foreach (var document in await session.ListAsync(collection, clusterId + "/"))
            {
                await session.DeleteAsync(collection, document.Key);
            }
        }
    }

    /// <summary>The external id the target role's trust policy can require: EKS's documented format.</summary>
    private static string ExternalIdFor(ClusterRecord cluster, string @namespace, string serviceAccount) =>
        $"{cluster.Region}/{cluster.AccountId}/{cluster.Name}/{@namespace}/{serviceAccount}";

    /// <summary>The role must be an IAM role of the cluster's account whose trust policy lets EKS Pod Identity assume it.</summary>
    private async Task ValidateRoleAsync(string accountId, string roleArn, CancellationToken cancellationToken)
    {
        if (!IsRoleArn(roleArn, out var role))
        {
            throw new AwsErrorException(InvalidParameter($"Role ARN {roleArn} is not a valid IAM role ARN."));
        }

        if (role.Account != accountId)
        {
            throw new AwsErrorException(InvalidParameter("The role must be in the same account as the cluster; only the target role may be in another account."));
        }

        var info = await iam.GetRoleByArnAsync(roleArn, cancellationToken)
            ?? throw new AwsErrorException(InvalidParameter($"Role {roleArn} does not exist."));
        if (!TrustsPodIdentity(info.TrustPolicyDocument))
        {
            throw new AwsErrorException(InvalidParameter("Trust policy of the role provided is invalid"));
        }
    }

    private static void ValidateTarget(string? targetRoleArn)
    {
        if (targetRoleArn is not null && !IsRoleArn(targetRoleArn, out _))
        {
            throw new AwsErrorException(InvalidParameter($"Target role ARN {targetRoleArn} is not a valid IAM role ARN."));
        }
    }

    private static void ValidatePolicy(string? policy, bool? disableSessionTags)
    {
        if (policy is not null && disableSessionTags != true)
        {
            throw new AwsErrorException(InvalidParameter("disableSessionTags must be set to true when a policy is specified."));
        }
    }

    private static bool IsRoleArn(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Arn? arn) =>
        Arn.TryParse(text, out arn) && arn.Service == "iam" && arn.Resource.StartsWith("role/", StringComparison.Ordinal) && AwsIds.IsAccountId(arn.Account);

    /// <summary>
    /// Whether an Allow statement names the service principal <c>pods.eks.amazonaws.com</c> for <c>sts:AssumeRole</c>
    /// (EKS checks the document when the association is made; STS evaluates it again at every assumption).
    /// </summary>
    internal static bool TrustsPodIdentity(string trustPolicy)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(trustPolicy);
        }
        catch (JsonException)
        {
            return false;
        }

        var statements = document?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject single => [single],
            _ => [],
        };
        return statements.Any(s =>
            Strings(s["Effect"]).Contains("Allow")
            && s["Principal"] is JsonObject principal && Strings(principal["Service"]).Contains(ServicePrincipal)
            && Strings(s["Action"]).Any(a => a is "*" or "sts:*" || string.Equals(a, "sts:AssumeRole", StringComparison.OrdinalIgnoreCase)));
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    private static string Key(string clusterId, string associationId) => clusterId + "/" + associationId;

    private static string SubjectKey(string clusterId, string @namespace, string serviceAccount) => $"{clusterId}/{@namespace}/{serviceAccount}";

    private static AwsError InvalidParameter(string message) => new("InvalidParameterException", message, 400);

    private static AwsErrorException NotFound(string associationId) =>
        new(new AwsError("ResourceNotFoundException", $"No Pod Identity Association found for id: {associationId}.", 404));

    private static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private sealed record SubjectIndex(string AssociationId);
}

/// <summary>A pod identity association as stored; <see cref="Arn"/> is EKS's <c>podidentityassociation</c> ARN.</summary>
public sealed record PodIdentityAssociationRecord
{
    public required string AssociationId { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public required string ClusterName { get; init; }

    public required string ClusterId { get; init; }

    public required string Namespace { get; init; }

    public required string ServiceAccount { get; init; }

    public required string RoleArn { get; init; }

    public string? TargetRoleArn { get; init; }

    /// <summary>Set exactly when a target role is: what the target role's trust policy may require as <c>sts:ExternalId</c>.</summary>
    public string? ExternalId { get; init; }

    public bool DisableSessionTags { get; init; }

    public string? Policy { get; init; }

    public Dictionary<string, string> Tags { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ModifiedAt { get; init; }

    public string ClusterArn => $"arn:aws:eks:{Region}:{AccountId}:cluster/{ClusterName}";

    public string Arn => $"arn:aws:eks:{Region}:{AccountId}:podidentityassociation/{ClusterName}/{AssociationId}";

}

/// <summary>A parsed <c>CreatePodIdentityAssociation</c> request.</summary>
public sealed record CreatePodIdentityAssociationRequest(string Namespace, string ServiceAccount, string RoleArn, string? TargetRoleArn,
    bool? DisableSessionTags, string? Policy, Dictionary<string, string> Tags);

/// <summary>A parsed <c>UpdatePodIdentityAssociation</c> request; <c>null</c> members keep their value.</summary>
public sealed record UpdatePodIdentityAssociationRequest(string? RoleArn, string? TargetRoleArn, bool? DisableSessionTags, string? Policy);
