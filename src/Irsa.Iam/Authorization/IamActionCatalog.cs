using Irsa.Core.Query;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Iam.Policies;
using Irsa.Iam.Roles;
using Irsa.Policy;
using Irsa.Storage;

namespace Irsa.Iam.Authorization;

/// <summary>How the resource ARN an IAM action is authorized against is derived from its parameters.</summary>
public enum IamResourceKind
{
    /// <summary><c>*</c> (List* actions, simulation of custom policies).</summary>
    Any,

    /// <summary>The role named by <c>RoleName</c>, with its stored path (or <c>Path</c> for a role being created).</summary>
    Role,

    /// <summary>The managed policy named by <c>PolicyArn</c>.</summary>
    PolicyArn,

    /// <summary>The managed policy being created from <c>Path</c> and <c>PolicyName</c>.</summary>
    NewPolicy,

    /// <summary>The provider named by <c>OpenIDConnectProviderArn</c>.</summary>
    OpenIdConnectProviderArn,

    /// <summary>The provider being created from <c>Url</c>.</summary>
    NewOpenIdConnectProvider,

    /// <summary>The principal named by <c>PolicySourceArn</c>.</summary>
    PolicySourceArn,
}

/// <summary>The request-specific condition keys an action supplies, as AWS's Service Authorization Reference lists them.</summary>
[Flags]
public enum IamConditionKeys
{
    None = 0,

    /// <summary><c>aws:RequestTag/*</c> and <c>aws:TagKeys</c> from <c>Tags.member.N</c>.</summary>
    RequestTags = 1,

    /// <summary><c>aws:TagKeys</c> from <c>TagKeys.member.N</c> (untag actions).</summary>
    TagKeys = 2,

    /// <summary><c>iam:PolicyARN</c> from <c>PolicyArn</c>.</summary>
    PolicyArn = 4,

    /// <summary><c>iam:PermissionsBoundary</c>: the boundary being set, or the role's current one.</summary>
    PermissionsBoundary = 8,
}

/// <summary>
/// One IAM action: its policy action, whether it only reads, how its resource and condition keys are resolved, and its
/// handler. This is the only table of IAM actions: the API dispatches through it and the host builds its operation rows from it.
/// </summary>
public sealed class IamAction
{
    internal IamAction(string name, bool readOnly, IamResourceKind resource, IamConditionKeys keys, Func<IamHandlers, IamHandler> handler)
    {
        Name = name;
        ReadOnly = readOnly;
        Resource = resource;
        ConditionKeys = keys;
        Handler = handler;
    }

    public string Name { get; }

    /// <summary><c>iam:{Name}</c>.</summary>
    public string PolicyAction => IamProtocol.ServiceName + ":" + Name;

    public bool ReadOnly { get; }

    public IamResourceKind Resource { get; }

    public IamConditionKeys ConditionKeys { get; }

    internal Func<IamHandlers, IamHandler> Handler { get; }
}

/// <summary>What an IAM call is authorized against: the canonical ARN of the resource it touches and the condition keys AWS supplies.</summary>
/// <param name="ResourceArn">The canonical ARN (stored spelling and path), or <c>*</c>.</param>
/// <param name="ConditionKeys">The request's keys (<c>aws:ResourceTag/*</c>, <c>aws:RequestTag/*</c>, <c>iam:PolicyARN</c>…).</param>
public sealed record IamAuthorizationTarget(string ResourceArn, IReadOnlyDictionary<string, ContextValue> ConditionKeys);

internal delegate Task<byte[]> IamHandler(IamRequest request);

/// <summary>The single table of every IAM action Irsa serves, and the resolution of each call's authorization target.</summary>
public sealed class IamActionCatalog(IDocumentStore store)
{
    private static readonly IamAction[] Table =
    [
        Write("CreateOpenIDConnectProvider", IamResourceKind.NewOpenIdConnectProvider, h => h.Providers.CreateAsync, IamConditionKeys.RequestTags),
        Read("GetOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.GetAsync),
        Read("ListOpenIDConnectProviders", IamResourceKind.Any, h => h.Providers.ListAsync),
        Write("DeleteOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.DeleteAsync),
        Write("AddClientIDToOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.AddClientIdAsync),
        Write("RemoveClientIDFromOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.RemoveClientIdAsync),
        Write("UpdateOpenIDConnectProviderThumbprint", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.UpdateThumbprintAsync),
        Write("TagOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.TagAsync, IamConditionKeys.RequestTags),
        Write("UntagOpenIDConnectProvider", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.UntagAsync, IamConditionKeys.TagKeys),
        Read("ListOpenIDConnectProviderTags", IamResourceKind.OpenIdConnectProviderArn, h => h.Providers.ListTagsAsync),
        Write("CreateRole", IamResourceKind.Role, h => h.Roles.CreateAsync, IamConditionKeys.RequestTags | IamConditionKeys.PermissionsBoundary),
        Read("GetRole", IamResourceKind.Role, h => h.Roles.GetAsync),
        Read("ListRoles", IamResourceKind.Any, h => h.Roles.ListAsync),
        Write("DeleteRole", IamResourceKind.Role, h => h.Roles.DeleteAsync),
        Write("UpdateRole", IamResourceKind.Role, h => h.Roles.UpdateAsync),
        Write("UpdateAssumeRolePolicy", IamResourceKind.Role, h => h.Roles.UpdateAssumeRolePolicyAsync),
        Write("PutRolePermissionsBoundary", IamResourceKind.Role, h => h.Roles.PutPermissionsBoundaryAsync, IamConditionKeys.PermissionsBoundary),
        Write("DeleteRolePermissionsBoundary", IamResourceKind.Role, h => h.Roles.DeletePermissionsBoundaryAsync, IamConditionKeys.PermissionsBoundary),
        Write("TagRole", IamResourceKind.Role, h => h.Roles.TagAsync, IamConditionKeys.RequestTags),
        Write("UntagRole", IamResourceKind.Role, h => h.Roles.UntagAsync, IamConditionKeys.TagKeys),
        Read("ListRoleTags", IamResourceKind.Role, h => h.Roles.ListTagsAsync),
        Write("PutRolePolicy", IamResourceKind.Role, h => h.RolePolicies.PutAsync, IamConditionKeys.PermissionsBoundary),
        Read("GetRolePolicy", IamResourceKind.Role, h => h.RolePolicies.GetAsync),
        Write("DeleteRolePolicy", IamResourceKind.Role, h => h.RolePolicies.DeleteAsync, IamConditionKeys.PermissionsBoundary),
        Read("ListRolePolicies", IamResourceKind.Role, h => h.RolePolicies.ListAsync),
        Write("AttachRolePolicy", IamResourceKind.Role, h => h.RolePolicies.AttachAsync, IamConditionKeys.PolicyArn | IamConditionKeys.PermissionsBoundary),
        Write("DetachRolePolicy", IamResourceKind.Role, h => h.RolePolicies.DetachAsync, IamConditionKeys.PolicyArn | IamConditionKeys.PermissionsBoundary),
        Read("ListAttachedRolePolicies", IamResourceKind.Role, h => h.RolePolicies.ListAttachedAsync),
        Write("CreatePolicy", IamResourceKind.NewPolicy, h => h.Policies.CreateAsync, IamConditionKeys.RequestTags),
        Read("GetPolicy", IamResourceKind.PolicyArn, h => h.Policies.GetAsync),
        Read("ListPolicies", IamResourceKind.Any, h => h.Policies.ListAsync),
        Write("DeletePolicy", IamResourceKind.PolicyArn, h => h.Policies.DeleteAsync),
        Write("CreatePolicyVersion", IamResourceKind.PolicyArn, h => h.Policies.CreateVersionAsync),
        Read("GetPolicyVersion", IamResourceKind.PolicyArn, h => h.Policies.GetVersionAsync),
        Read("ListPolicyVersions", IamResourceKind.PolicyArn, h => h.Policies.ListVersionsAsync),
        Write("DeletePolicyVersion", IamResourceKind.PolicyArn, h => h.Policies.DeleteVersionAsync),
        Write("SetDefaultPolicyVersion", IamResourceKind.PolicyArn, h => h.Policies.SetDefaultVersionAsync),
        Read("SimulatePrincipalPolicy", IamResourceKind.PolicySourceArn, h => h.Simulation.SimulatePrincipalPolicyAsync),
        Read("SimulateCustomPolicy", IamResourceKind.Any, _ => Simulation.SimulationHandler.SimulateCustomPolicyAsync),
    ];

    private static readonly Dictionary<string, IamAction> ByName = Table.ToDictionary(e => e.Name, StringComparer.Ordinal);

    /// <summary>Every action, in a stable order.</summary>
    public static IReadOnlyList<IamAction> Entries => Table;

    /// <summary>The entry for an action, or <c>null</c> (the API then answers <c>InvalidAction</c>).</summary>
    public static IamAction? Find(string? action) => action is not null && ByName.TryGetValue(action, out var entry) ? entry : null;

    /// <summary>
    /// The resource ARN to authorize <paramref name="action"/> against, derived from its (not yet validated) parameters.
    /// Missing or malformed parameters fall back to a best-effort ARN so that authorization still runs before validation.
    /// </summary>
    public async Task<string> ResolveResourceAsync(string action, QueryParameters parameters, string accountId, CancellationToken cancellationToken = default) =>
        (await ResolveAsync(Find(action) ?? throw new ArgumentException($"Unknown IAM action {action}.", nameof(action)), parameters, accountId, cancellationToken))
        .ResourceArn;

    /// <summary>
    /// The canonical resource ARN and condition keys of one call. Stored resources are named by their stored ARN (the
    /// spelling the handler will touch), so a caller cannot dodge a policy by spelling a name or host differently.
    /// </summary>
    public async Task<IamAuthorizationTarget> ResolveAsync(IamAction action, QueryParameters parameters, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(parameters);
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        var prefix = $"arn:{IamProtocol.Partition}:iam::{accountId}:";
        string resource;
        IReadOnlyList<IamTag> resourceTags = [];
        string? currentBoundary = null;
        switch (action.Resource)
        {
            case IamResourceKind.Role:
                var roleName = parameters.Get("RoleName") ?? string.Empty;
                var role = roleName.Length == 0 ? null
                    : (await store.GetVersionedAsync<RoleRecord>(IamCollections.Roles, RoleStore.Key(accountId, roleName), cancellationToken))?.Value;
                var path = role?.Path ?? (action.Name == "CreateRole" ? parameters.Get("Path") : null) ?? "/";
                resource = RoleRecord.ArnFor(accountId, path, role?.RoleName ?? roleName);
                resourceTags = role?.Tags ?? [];
                currentBoundary = role?.PermissionsBoundaryArn;
                break;
            case IamResourceKind.PolicyArn:
                var policyArn = parameters.Get("PolicyArn");
                var policyKey = policyArn is null ? null : ManagedPolicies.KeyFor(accountId, policyArn);
                var policy = policyKey is null ? null
                    : (await store.GetVersionedAsync<ManagedPolicyRecord>(IamCollections.Policies, policyKey, cancellationToken))?.Value;
                resource = policy?.Arn ?? policyArn ?? prefix + "policy/";
                resourceTags = policy?.Tags ?? [];
                break;
            case IamResourceKind.NewPolicy:
                resource = prefix + "policy" + (parameters.Get("Path") ?? "/") + parameters.Get("PolicyName");
                break;
            case IamResourceKind.OpenIdConnectProviderArn:
                var providerArn = parameters.Get("OpenIDConnectProviderArn");
                var canonical = providerArn is null ? null : OpenIdConnectProviderUrl.CanonicalArn(providerArn);
                var provider = canonical is null ? null : await FindProviderAsync(canonical, accountId, cancellationToken);
                resource = provider?.Arn ?? canonical ?? providerArn ?? prefix + "oidc-provider/";
                resourceTags = provider?.Tags ?? [];
                break;
            case IamResourceKind.NewOpenIdConnectProvider:
                var url = parameters.Get("Url") ?? string.Empty;
                resource = OpenIdConnectProviderUrl.ArnFor(accountId, OpenIdConnectProviderUrl.TryNormalize(url) ?? StripScheme(url));
                break;
            case IamResourceKind.PolicySourceArn:
                resource = parameters.Get("PolicySourceArn") ?? "*";
                break;
            default:
                resource = "*";
                break;
        }

        foreach (var tag in resourceTags)
        {
            keys["aws:ResourceTag/" + tag.Key] = Single(ContextKeyType.String, tag.Value);
            keys["iam:ResourceTag/" + tag.Key] = Single(ContextKeyType.String, tag.Value);
        }

        AddRequestKeys(action, parameters, currentBoundary, keys);
        return new IamAuthorizationTarget(resource, keys);
    }

    private static void AddRequestKeys(IamAction action, QueryParameters parameters, string? currentBoundary, Dictionary<string, ContextValue> keys)
    {
        if (action.ConditionKeys.HasFlag(IamConditionKeys.RequestTags) && parameters.GetStructList("Tags") is { } tags)
        {
            var tagKeys = new List<string>();
            foreach (var tag in tags)
            {
                if (tag.GetValueOrDefault("Key") is { } key)
                {
                    tagKeys.Add(key);
                    keys["aws:RequestTag/" + key] = Single(ContextKeyType.String, tag.GetValueOrDefault("Value") ?? string.Empty);
                }
            }

            keys["aws:TagKeys"] = new ContextValue(ContextKeyType.String, tagKeys, true);
        }

        if (action.ConditionKeys.HasFlag(IamConditionKeys.TagKeys) && parameters.GetList("TagKeys") is { } removed)
        {
            keys["aws:TagKeys"] = new ContextValue(ContextKeyType.String, removed, true);
        }

        if (action.ConditionKeys.HasFlag(IamConditionKeys.PolicyArn) && parameters.Get("PolicyArn") is { } attached)
        {
            keys["iam:PolicyARN"] = Single(ContextKeyType.Arn, attached);
        }

        // The boundary being set (CreateRole, PutRolePermissionsBoundary), else the role's current one.
        if (action.ConditionKeys.HasFlag(IamConditionKeys.PermissionsBoundary) && (parameters.Get("PermissionsBoundary") ?? currentBoundary) is { } boundary)
        {
            keys["iam:PermissionsBoundary"] = Single(ContextKeyType.Arn, boundary);
        }
    }

    private async Task<OpenIdConnectProviderRecord?> FindProviderAsync(string canonicalArn, string accountId, CancellationToken cancellationToken) =>
        OpenIdConnectProviderUrl.FromArn(canonicalArn) is { } parsed && parsed.AccountId == accountId
            ? (await store.GetVersionedAsync<OpenIdConnectProviderRecord>(IamCollections.OpenIdConnectProviders,
                OpenIdConnectProviderUrl.Key(parsed.AccountId, parsed.Url), cancellationToken))?.Value
            : null;

    private static ContextValue Single(ContextKeyType type, string value) => new(type, [value], false);

    private static IamAction Read(string name, IamResourceKind resource, Func<IamHandlers, IamHandler> handler) =>
        new(name, readOnly: true, resource, IamConditionKeys.None, handler);

    private static IamAction Write(string name, IamResourceKind resource, Func<IamHandlers, IamHandler> handler, IamConditionKeys keys = IamConditionKeys.None) =>
        new(name, readOnly: false, resource, keys, handler);

    private static string StripScheme(string url)
    {
        var index = url.IndexOf("://", StringComparison.Ordinal);
        return index < 0 ? url : url[(index + 3)..];
    }
}
