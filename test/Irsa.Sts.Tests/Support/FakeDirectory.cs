using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Tests.Support;

/// <summary>In-memory IAM state for STS tests.</summary>
internal sealed class FakeDirectory : IWebIdentityDirectory
{
    public Dictionary<string, RoleInfo> Roles { get; } = new(StringComparer.Ordinal);

    public List<OpenIdConnectProviderInfo> Providers { get; } = [];

    public Dictionary<string, PolicyEntry> ManagedPolicies { get; } = new(StringComparer.Ordinal);

    public List<string> RolesUsed { get; } = [];

    public Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken) =>
        Task.FromResult(Roles.GetValueOrDefault(roleArn));

    public Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken) =>
        Task.FromResult(Providers.FirstOrDefault(p => p.AccountId == accountId && p.IssuerUrl == issuer));

    public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
        Task.FromResult(ManagedPolicies.GetValueOrDefault(policyArn));

    public Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken)
    {
        RolesUsed.Add(roleArn);
        return Task.CompletedTask;
    }

    public RoleInfo AddRole(string accountId, string name, string trustPolicy, int maxSessionDuration = 3600, string path = "/")
    {
        var arn = $"arn:aws:iam::{accountId}:role{path}{name}";
        var role = new RoleInfo(accountId, name, "AROA" + name.ToUpperInvariant().PadRight(17, 'X')[..17], path, arn,
            PolicyDocument.ParseValid(trustPolicy, PolicyKind.Trust), trustPolicy, maxSessionDuration, new Dictionary<string, string>());
        Roles[arn] = role;
        return role;
    }
}

/// <summary>A liveness check answering from a set of live pod uids.</summary>
internal sealed class FakeLiveness(string ownIssuer) : IPodLivenessCheck
{
    public HashSet<string> LiveUids { get; } = new(StringComparer.Ordinal);

    public List<PodBinding> Checked { get; } = [];

    public ValueTask<PodLiveness> CheckAsync(PodBinding pod, CancellationToken cancellationToken)
    {
        Checked.Add(pod);
        return ValueTask.FromResult(pod.Issuer != ownIssuer ? PodLiveness.NotApplicable
            : LiveUids.Contains(pod.PodUid) ? PodLiveness.Alive : PodLiveness.Gone);
    }
}
