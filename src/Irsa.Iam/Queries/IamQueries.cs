using System.Collections.Concurrent;
using Irsa.Core.Aws;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Iam.Policies;
using Irsa.Iam.Roles;
using Irsa.Policy;
using Irsa.Storage;

namespace Irsa.Iam.Queries;

/// <summary>Read-only lookups other services (STS, the token issuer) make against IAM state.</summary>
public sealed class IamQueries(IDocumentStore store, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, (long Version, string Json, RoleInfo Role)> _roles = new(StringComparer.Ordinal);

    /// <summary>The role an ARN names (path included), with its compiled trust policy; <c>null</c> when there is none.</summary>
    public async Task<RoleInfo?> GetRoleByArnAsync(string roleArn, CancellationToken cancellationToken = default)
    {
        if (!Arn.TryParse(roleArn, out var arn) || arn.Service != "iam" || !AwsIds.IsAccountId(arn.Account)
            || !arn.Resource.StartsWith("role/", StringComparison.Ordinal))
        {
            return null;
        }

        var name = arn.Resource[(arn.Resource.LastIndexOf('/') + 1)..];
        var key = RoleStore.Key(arn.Account, name);
        var document = await store.GetAsync(IamCollections.Roles, key, cancellationToken);
        if (document is null)
        {
            return null;
        }

        // Versions restart when a role is re-created under the same name, so the content must match too.
        if (!_roles.TryGetValue(key, out var cached) || cached.Version != document.Version || !string.Equals(cached.Json, document.Json, StringComparison.Ordinal))
        {
            var role = StoreExtensions.Deserialize<RoleRecord>(document);
            cached = (document.Version, document.Json, new RoleInfo(role.AccountId, role.RoleName, role.RoleId, role.Path, role.Arn,
                PolicyDocument.ParseValid(role.AssumeRolePolicyDocument, PolicyKind.Trust), role.AssumeRolePolicyDocument,
                role.MaxSessionDuration, role.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal)));
            _roles[key] = cached;
        }

        // The ARN must match exactly, path included, as it does on AWS.
        return cached.Role.Arn == roleArn ? cached.Role : null;
    }

    /// <summary>
    /// The OIDC provider registered for an issuer URL in <paramref name="accountId"/>; <paramref name="url"/> may carry its scheme
    /// (a token's <c>iss</c>), which must then match the registered one.
    /// </summary>
    public async Task<OpenIdConnectProviderInfo?> GetOpenIdConnectProviderAsync(string accountId, string url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (OpenIdConnectProviderUrl.TryNormalize(url) is not { } normalized)
        {
            return null;
        }

        var provider = await store.GetAsync<OpenIdConnectProviderRecord>(IamCollections.OpenIdConnectProviders,
            OpenIdConnectProviderUrl.Key(accountId, normalized), cancellationToken);
        if (provider is null)
        {
            return null;
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0 && !string.Equals(url[..schemeEnd], provider.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new OpenIdConnectProviderInfo(provider.AccountId, provider.Url, provider.IssuerUrl, provider.Arn, provider.ClientIds, provider.Thumbprints);
    }

    /// <summary>The compiled default version of a managed policy of <paramref name="accountId"/> (session <c>PolicyArns</c>); <c>null</c> when absent.</summary>
    public async Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken = default)
    {
        var policy = await ManagedPolicies.FindAsync(store, accountId, policyArn, cancellationToken);
        return policy is null ? null
            : new PolicyEntry(policy.Value.PolicyName, PolicySourceType.UserManaged,
                PolicyDocument.ParseValid(policy.Value.DefaultVersion.Document, PolicyKind.ManagedIdentity));
    }

    /// <summary>Records that a role was assumed (shown as <c>RoleLastUsed</c> by <c>GetRole</c>); best effort.</summary>
    public async Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken = default)
    {
        if (await GetRoleByArnAsync(roleArn, cancellationToken) is not { } role)
        {
            return;
        }

        try
        {
            await store.TransactAsync(async session =>
            {
                if (await session.GetVersionedAsync<RoleRecord>(IamCollections.Roles, RoleStore.Key(role.AccountId, role.RoleName)) is { } current
                    && current.Value.RoleId == role.RoleId)
                {
                    await RoleStore.SaveAsync(session, current, current.Value with { LastUsedDate = timeProvider.GetUtcNow(), LastUsedRegion = region });
                }
            }, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Someone else changed the role meanwhile; last-used tracking is not worth a retry.
        }
    }
}

/// <summary>A role as STS needs it: identity, compiled trust policy (and its verbatim text), session limit and tags.</summary>
public sealed record RoleInfo(string AccountId, string RoleName, string RoleId, string Path, string Arn, PolicyDocument TrustPolicy,
    string TrustPolicyDocument, int MaxSessionDuration, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// An OIDC provider as STS needs it. <c>Url</c> has no scheme (<c>oidc.example.com/id/ABC</c>) and prefixes its condition keys
/// (<c>URL:sub</c>, <c>URL:aud</c>); <c>IssuerUrl</c> is what a token's <c>iss</c> must equal.
/// </summary>
public sealed record OpenIdConnectProviderInfo(string AccountId, string Url, string IssuerUrl, string Arn,
    IReadOnlyList<string> ClientIds, IReadOnlyList<string> Thumbprints);
