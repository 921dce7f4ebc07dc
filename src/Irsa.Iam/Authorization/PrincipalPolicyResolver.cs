using System.Collections.Concurrent;
using Irsa.Core.Aws;
using Irsa.Iam.Accounts;
using Irsa.Iam.Common;
using Irsa.Iam.Policies;
using Irsa.Iam.Roles;
using Irsa.Policy;
using Irsa.Storage;

namespace Irsa.Iam.Authorization;

/// <summary>
/// Loads the identity policies (inline + default versions of attached managed policies) and the permissions
/// boundary of an IAM user or role, compiled. Compilation is cached by document version (and content), and documents are read
/// on every call, so a policy change takes effect on the very next request.
/// </summary>
public sealed class PrincipalPolicyResolver(IDocumentStore store)
{
    private readonly ConcurrentDictionary<(string Collection, string Key), CachedEntity> _entities = new();
    private readonly ConcurrentDictionary<string, CachedPolicy> _policies = new(StringComparer.Ordinal);

    /// <summary>The policies of the entity a caller resolves to; <c>null</c> when the user or role no longer exists.</summary>
    public Task<ResolvedPrincipal?> ResolveAsync(CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.PrincipalType == PrincipalType.AssumedRole
            ? ResolveEntityAsync(IamCollections.Roles, IamCollections.NameKey(caller.AccountId, caller.EntityName), caller.EntityId, cancellationToken)
            : ResolveEntityAsync(IamCollections.Users, IamCollections.NameKey(caller.AccountId, caller.EntityName), caller.EntityId, cancellationToken);
    }

    /// <summary>
    /// The policies of the user or role an ARN names (<c>user/…</c>, <c>role/…</c>, or an <c>assumed-role/ROLE/SESSION</c>
    /// ARN, which maps to its role); <c>null</c> when it names no entity in the store.
    /// </summary>
    public Task<ResolvedPrincipal?> ResolveAsync(string principalArn, CancellationToken cancellationToken = default)
    {
        if (!Arn.TryParse(principalArn, out var arn) || !AwsIds.IsAccountId(arn.Account))
        {
            return Task.FromResult<ResolvedPrincipal?>(null);
        }

        var resource = arn.Resource;
        var name = resource[(resource.LastIndexOf('/') + 1)..];
        if (arn.Service == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            var parts = resource.Split('/');
            return parts.Length == 3
                ? ResolveEntityAsync(IamCollections.Roles, IamCollections.NameKey(arn.Account, parts[1]), null, cancellationToken)
                : Task.FromResult<ResolvedPrincipal?>(null);
        }

        if (arn.Service != "iam" || name.Length == 0)
        {
            return Task.FromResult<ResolvedPrincipal?>(null);
        }

        return resource.StartsWith("role/", StringComparison.Ordinal)
            ? ResolveEntityAsync(IamCollections.Roles, IamCollections.NameKey(arn.Account, name), null, cancellationToken, principalArn)
            : resource.StartsWith("user/", StringComparison.Ordinal)
                ? ResolveEntityAsync(IamCollections.Users, IamCollections.NameKey(arn.Account, name), null, cancellationToken, principalArn)
                : Task.FromResult<ResolvedPrincipal?>(null);
    }

    private async Task<ResolvedPrincipal?> ResolveEntityAsync(string collection, string key, string? expectedId, CancellationToken cancellationToken,
        string? expectedArn = null)
    {
        var document = await store.GetAsync(collection, key, cancellationToken);
        if (document is null)
        {
            _entities.TryRemove((collection, key), out _);
            return null;
        }

        if (!_entities.TryGetValue((collection, key), out var entity) || !entity.IsCurrent(document))
        {
            entity = Compile(collection, document);
            _entities[(collection, key)] = entity;
        }

        // A role deleted and re-created under the same name is a different principal (AWS compares unique ids).
        if ((expectedId is not null && entity.EntityId != expectedId) || (expectedArn is not null && entity.EntityArn != expectedArn))
        {
            return null;
        }

        var identity = new List<PolicyEntry>(entity.InlinePolicies);
        foreach (var arn in entity.AttachedPolicyArns)
        {
            if (await LoadManagedAsync(entity.AccountId, arn, cancellationToken) is { } managed)
            {
                identity.Add(managed);
            }
        }

        PolicyEntry? boundary = null;
        if (entity.BoundaryArn is { } boundaryArn)
        {
            // A boundary whose policy is gone allows nothing, rather than silently lifting the limit.
            boundary = await LoadManagedAsync(entity.AccountId, boundaryArn, cancellationToken)
                ?? new PolicyEntry(boundaryArn, PolicySourceType.UserManaged, PolicyDocument.ParseValid("""{"Version":"2012-10-17","Statement":[]}""", PolicyKind.PermissionsBoundary))
                {
                    Arn = boundaryArn,
                };
        }

        return new ResolvedPrincipal(entity.EntityArn, entity.EntityId, entity.Tags, identity, boundary);
    }

    private async Task<PolicyEntry?> LoadManagedAsync(string accountId, string policyArn, CancellationToken cancellationToken)
    {
        if (ManagedPolicies.KeyFor(accountId, policyArn) is not { } key)
        {
            return null;
        }

        var document = await store.GetAsync(IamCollections.Policies, key, cancellationToken);
        if (document is null)
        {
            return null;
        }

        if (!_policies.TryGetValue(key, out var cached) || !cached.IsCurrent(document))
        {
            var policy = StoreExtensions.Deserialize<ManagedPolicyRecord>(document);
            cached = new CachedPolicy(document.Version, document.Json, policy.Arn,
                new PolicyEntry(policy.PolicyName, PolicySourceType.UserManaged, PolicyDocument.ParseValid(policy.DefaultVersion.Document, PolicyKind.ManagedIdentity))
                {
                    Arn = policy.Arn,
                });
            _policies[key] = cached;
        }

        return cached.Arn == policyArn ? cached.Entry : null;
    }

    private static CachedEntity Compile(string collection, StoredDocument document)
    {
        if (collection == IamCollections.Roles)
        {
            var role = StoreExtensions.Deserialize<RoleRecord>(document);
            return new CachedEntity(document.Version, document.Json, role.AccountId, role.Arn, role.RoleId,
                role.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.OrdinalIgnoreCase),
                [.. role.InlinePolicies.Select(p => new PolicyEntry(p.PolicyName, PolicySourceType.Role, PolicyDocument.ParseValid(p.PolicyDocument, PolicyKind.Identity)))],
                role.AttachedPolicyArns, role.PermissionsBoundaryArn);
        }

        var user = StoreExtensions.Deserialize<UserRecord>(document);
        return new CachedEntity(document.Version, document.Json, user.AccountId, user.Arn, user.UserId, new Dictionary<string, string>(),
            [.. user.InlinePolicies.Select(p => new PolicyEntry(p.PolicyName, PolicySourceType.User, PolicyDocument.ParseValid(p.PolicyDocument, PolicyKind.Identity)))],
            user.AttachedPolicyArns, user.PermissionsBoundaryArn);
    }

    // Note: versions restart at 1 when an entity is deleted and re-created under the same name, so a cache hit
    // also requires the stored JSON to be identical; comparing text is far cheaper than re-compiling policies.
    private sealed record CachedEntity(long Version, string Json, string AccountId, string EntityArn, string EntityId, IReadOnlyDictionary<string, string> Tags,
        IReadOnlyList<PolicyEntry> InlinePolicies, IReadOnlyList<string> AttachedPolicyArns, string? BoundaryArn)
    {
        public bool IsCurrent(StoredDocument document) => Version == document.Version && string.Equals(Json, document.Json, StringComparison.Ordinal);
    }

    private sealed record CachedPolicy(long Version, string Json, string Arn, PolicyEntry Entry)
    {
        public bool IsCurrent(StoredDocument document) => Version == document.Version && string.Equals(Json, document.Json, StringComparison.Ordinal);
    }
}

/// <summary>The compiled policies of one IAM user or role.</summary>
/// <param name="EntityArn">The user or role ARN (with path).</param>
/// <param name="EntityId">The user id or role id.</param>
/// <param name="Tags">The entity's tags (principal tags of its sessions).</param>
/// <param name="IdentityPolicies">Inline policies, then the default versions of attached managed policies.</param>
/// <param name="PermissionsBoundary">The boundary, or <c>null</c> when the entity has none.</param>
public sealed record ResolvedPrincipal(string EntityArn, string EntityId, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<PolicyEntry> IdentityPolicies, PolicyEntry? PermissionsBoundary);
