using Irsa.Iam;
using Irsa.Iam.Authorization;
using Irsa.Iam.Queries;
using Irsa.Policy;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// The IAM state STS reads: roles, OIDC providers, managed policies (for session <c>PolicyArns</c>) and the identity side of
/// AWS callers (for <c>AssumeRole</c>).
/// </summary>
public interface IWebIdentityDirectory
{
    /// <summary>The role an ARN names, path included; <c>null</c> when there is none.</summary>
    Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken);

    /// <summary>The OIDC provider of <paramref name="accountId"/> registered for the issuer URL <paramref name="issuer"/>; <c>null</c> when none.</summary>
    Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken);

    /// <summary>The compiled default version of a managed policy of <paramref name="accountId"/>; <c>null</c> when absent.</summary>
    Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken);

    /// <summary>Records that a role was assumed; best effort, never fails the request.</summary>
    Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken);

    /// <summary>
    /// The identity policies, boundary and tags of the user or role behind <paramref name="caller"/>; <c>null</c> when it no
    /// longer exists (or the directory knows no callers: then only a trust policy naming the caller itself can allow).
    /// </summary>
    Task<ResolvedPrincipal?> GetPrincipalAsync(CallerIdentity caller, CancellationToken cancellationToken) => Task.FromResult<ResolvedPrincipal?>(null);
}

/// <summary>The <see cref="IWebIdentityDirectory"/> backed by Irsa's IAM store.</summary>
public sealed class IamWebIdentityDirectory(IamQueries queries, PrincipalPolicyResolver? principals = null) : IWebIdentityDirectory
{
    public Task<ResolvedPrincipal?> GetPrincipalAsync(CallerIdentity caller, CancellationToken cancellationToken) =>
        principals?.ResolveAsync(caller, cancellationToken) ?? Task.FromResult<ResolvedPrincipal?>(null);

    public Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken) =>
        queries.GetRoleByArnAsync(roleArn, cancellationToken);

    public Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken) =>
        queries.GetOpenIdConnectProviderAsync(accountId, issuer, cancellationToken);

    public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        queries.GetManagedPolicyAsync(accountId, policyArn, cancellationToken);

    public Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken) =>
        queries.RecordRoleUsedAsync(roleArn, region, cancellationToken);
}
