using Irsa.Core.Query;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
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

/// <summary>One IAM action: its policy action, whether it changes state, and how its resource is named.</summary>
public sealed record IamActionInfo(string Action, string PolicyAction, bool Mutates, IamResourceKind Resource);

/// <summary>
/// The single table of every IAM action Irsa serves. The server authorizes each call against
/// <see cref="IamActionInfo.PolicyAction"/> on the resource from <see cref="ResolveResourceAsync"/>.
/// </summary>
public sealed class IamActionCatalog(IDocumentStore store)
{
    private static readonly IamActionInfo[] Table =
    [
        Entry("CreateOpenIDConnectProvider", true, IamResourceKind.NewOpenIdConnectProvider),
        Entry("GetOpenIDConnectProvider", false, IamResourceKind.OpenIdConnectProviderArn),
        Entry("ListOpenIDConnectProviders", false, IamResourceKind.Any),
        Entry("DeleteOpenIDConnectProvider", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("AddClientIDToOpenIDConnectProvider", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("RemoveClientIDFromOpenIDConnectProvider", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("UpdateOpenIDConnectProviderThumbprint", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("TagOpenIDConnectProvider", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("UntagOpenIDConnectProvider", true, IamResourceKind.OpenIdConnectProviderArn),
        Entry("ListOpenIDConnectProviderTags", false, IamResourceKind.OpenIdConnectProviderArn),
        Entry("CreateRole", true, IamResourceKind.Role),
        Entry("GetRole", false, IamResourceKind.Role),
        Entry("ListRoles", false, IamResourceKind.Any),
        Entry("DeleteRole", true, IamResourceKind.Role),
        Entry("UpdateRole", true, IamResourceKind.Role),
        Entry("UpdateAssumeRolePolicy", true, IamResourceKind.Role),
        Entry("PutRolePermissionsBoundary", true, IamResourceKind.Role),
        Entry("DeleteRolePermissionsBoundary", true, IamResourceKind.Role),
        Entry("TagRole", true, IamResourceKind.Role),
        Entry("UntagRole", true, IamResourceKind.Role),
        Entry("ListRoleTags", false, IamResourceKind.Role),
        Entry("PutRolePolicy", true, IamResourceKind.Role),
        Entry("GetRolePolicy", false, IamResourceKind.Role),
        Entry("DeleteRolePolicy", true, IamResourceKind.Role),
        Entry("ListRolePolicies", false, IamResourceKind.Role),
        Entry("AttachRolePolicy", true, IamResourceKind.Role),
        Entry("DetachRolePolicy", true, IamResourceKind.Role),
        Entry("ListAttachedRolePolicies", false, IamResourceKind.Role),
        Entry("CreatePolicy", true, IamResourceKind.NewPolicy),
        Entry("GetPolicy", false, IamResourceKind.PolicyArn),
        Entry("ListPolicies", false, IamResourceKind.Any),
        Entry("DeletePolicy", true, IamResourceKind.PolicyArn),
        Entry("CreatePolicyVersion", true, IamResourceKind.PolicyArn),
        Entry("GetPolicyVersion", false, IamResourceKind.PolicyArn),
        Entry("ListPolicyVersions", false, IamResourceKind.PolicyArn),
        Entry("DeletePolicyVersion", true, IamResourceKind.PolicyArn),
        Entry("SetDefaultPolicyVersion", true, IamResourceKind.PolicyArn),
        Entry("SimulatePrincipalPolicy", false, IamResourceKind.PolicySourceArn),
        Entry("SimulateCustomPolicy", false, IamResourceKind.Any),
    ];

    private static readonly Dictionary<string, IamActionInfo> ByAction = Table.ToDictionary(e => e.Action, StringComparer.Ordinal);

    /// <summary>Every entry, in a stable order.</summary>
    public static IReadOnlyList<IamActionInfo> Entries => Table;

    /// <summary>The entry for an action, or <c>null</c> (the API then answers <c>InvalidAction</c>).</summary>
    public static IamActionInfo? Find(string? action) => action is not null && ByAction.TryGetValue(action, out var entry) ? entry : null;

    /// <summary>
    /// The resource ARN to authorize <paramref name="action"/> against, derived from its (not yet validated) parameters.
    /// Missing or malformed parameters fall back to a best-effort ARN so that authorization still runs before validation.
    /// </summary>
    public async Task<string> ResolveResourceAsync(string action, QueryParameters parameters, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var entry = Find(action) ?? throw new ArgumentException($"Unknown IAM action {action}.", nameof(action));
        var prefix = $"arn:{IamProtocol.Partition}:iam::{accountId}:";
        switch (entry.Resource)
        {
            case IamResourceKind.Role:
                var roleName = parameters.Get("RoleName") ?? string.Empty;
                var stored = roleName.Length == 0 ? null
                    : await store.GetVersionedAsync<RoleRecord>(IamCollections.Roles, RoleStore.Key(accountId, roleName), cancellationToken);
                var path = stored?.Value.Path ?? (action == "CreateRole" ? parameters.Get("Path") : null) ?? "/";
                return RoleRecord.ArnFor(accountId, path, stored?.Value.RoleName ?? roleName);
            case IamResourceKind.PolicyArn:
                return parameters.Get("PolicyArn") ?? prefix + "policy/";
            case IamResourceKind.NewPolicy:
                return prefix + "policy" + (parameters.Get("Path") ?? "/") + parameters.Get("PolicyName");
            case IamResourceKind.OpenIdConnectProviderArn:
                return parameters.Get("OpenIDConnectProviderArn") ?? prefix + "oidc-provider/";
            case IamResourceKind.NewOpenIdConnectProvider:
                var url = parameters.Get("Url") ?? string.Empty;
                return OpenIdConnectProviderUrl.ArnFor(accountId, OpenIdConnectProviderUrl.TryNormalize(url) ?? StripScheme(url));
            case IamResourceKind.PolicySourceArn:
                return parameters.Get("PolicySourceArn") ?? "*";
            default:
                return "*";
        }
    }

    /// <summary>
    /// Authorizes an IAM call end to end: catalog lookup, resource resolution and policy evaluation.
    /// Returns <c>null</c> for an unknown action (let <see cref="IamApi"/> answer <c>InvalidAction</c>).
    /// </summary>
    public async Task<AuthorizationOutcome?> AuthorizeAsync(Authorizer authorizer, CallerIdentity caller, string action, QueryParameters parameters,
        IReadOnlyDictionary<string, ContextValue>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(caller);
        if (Find(action) is not { } entry)
        {
            return null;
        }

        var resource = await ResolveResourceAsync(action, parameters, caller.AccountId, cancellationToken);
        return await authorizer.AuthorizeAsync(caller, entry.PolicyAction, resource, context, cancellationToken: cancellationToken);
    }

    private static IamActionInfo Entry(string action, bool mutates, IamResourceKind resource) =>
        new(action, IamProtocol.ServiceName + ":" + action, mutates, resource);

    private static string StripScheme(string url)
    {
        var index = url.IndexOf("://", StringComparison.Ordinal);
        return index < 0 ? url : url[(index + 3)..];
    }
}
