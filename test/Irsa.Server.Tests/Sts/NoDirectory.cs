using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Tests.Sts;

/// <summary>A web identity directory with nothing in it: for tests of sessions, which never look a role up.</summary>
internal sealed class NoDirectory : IWebIdentityDirectory
{
    public Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken) => Task.FromResult<RoleInfo?>(null);

    public Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken) =>
        Task.FromResult<OpenIdConnectProviderInfo?>(null);

    public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        Task.FromResult<PolicyEntry?>(null);

    public Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken) => Task.CompletedTask;
}
