using Irsa.Iam;
using Irsa.Iam.Authorization;
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

    /// <summary>Identity policies of users and roles, by user or role ARN (callers without an entry do not exist).</summary>
    public Dictionary<string, ResolvedPrincipal> Principals { get; } = new(StringComparer.Ordinal);

    public Task<ResolvedPrincipal?> GetPrincipalAsync(CallerIdentity caller, CancellationToken cancellationToken) =>
        Task.FromResult(Principals.GetValueOrDefault(caller.PrincipalType == PrincipalType.AssumedRole ? caller.Session!.RoleArn : caller.PrincipalArn));

    /// <summary>Gives a user or role identity policies (replacing any it had).</summary>
    public void Allow(string entityArn, params string[] policies)
    {
        var entries = policies.Select((p, i) => new PolicyEntry("p" + i, PolicySourceType.Role, PolicyDocument.ParseValid(p, PolicyKind.Identity))).ToList();
        var tags = Roles.TryGetValue(entityArn, out var role) ? role.Tags : new Dictionary<string, string>();
        Principals[entityArn] = new ResolvedPrincipal(entityArn, "ID" + entityArn.GetHashCode(StringComparison.Ordinal), tags, entries, null);
    }

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

    public RoleInfo AddRole(string accountId, string name, string trustPolicy, int maxSessionDuration = 3600, string path = "/",
        IReadOnlyDictionary<string, string>? tags = null)
    {
        var arn = $"arn:aws:iam::{accountId}:role{path}{name}";
        var role = new RoleInfo(accountId, name, "AROA" + name.ToUpperInvariant().PadRight(17, 'X')[..17], path, arn,
            PolicyDocument.ParseValid(trustPolicy, PolicyKind.Trust), trustPolicy, maxSessionDuration, tags ?? new Dictionary<string, string>());
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
