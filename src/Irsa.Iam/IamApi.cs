using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Iam.Policies;
using Irsa.Iam.Roles;
using Irsa.Iam.Simulation;
using Irsa.Storage;

namespace Irsa.Iam;

/// <summary>
/// Executes IAM awsQuery actions against the store and renders the response document. Authorization is the
/// caller's job (see <see cref="Authorization.Authorizer"/>); this class only confines every call to the caller's account.
/// </summary>
public sealed class IamApi
{
    private readonly Dictionary<string, Func<IamRequest, Task<byte[]>>> _actions;

    public IamApi(IDocumentStore store, TimeProvider timeProvider, Authorization.PrincipalPolicyResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var providers = new OpenIdConnectProviderHandler(store, timeProvider);
        var roles = new RoleHandler(store, timeProvider);
        var rolePolicies = new RolePolicyHandler(store);
        var policies = new ManagedPolicyHandler(store, timeProvider);
        var simulation = new SimulationHandler(resolver);
        _actions = new(StringComparer.Ordinal)
        {
            ["CreateOpenIDConnectProvider"] = providers.CreateAsync,
            ["GetOpenIDConnectProvider"] = providers.GetAsync,
            ["ListOpenIDConnectProviders"] = providers.ListAsync,
            ["DeleteOpenIDConnectProvider"] = providers.DeleteAsync,
            ["AddClientIDToOpenIDConnectProvider"] = providers.AddClientIdAsync,
            ["RemoveClientIDFromOpenIDConnectProvider"] = providers.RemoveClientIdAsync,
            ["UpdateOpenIDConnectProviderThumbprint"] = providers.UpdateThumbprintAsync,
            ["TagOpenIDConnectProvider"] = providers.TagAsync,
            ["UntagOpenIDConnectProvider"] = providers.UntagAsync,
            ["ListOpenIDConnectProviderTags"] = providers.ListTagsAsync,
            ["CreateRole"] = roles.CreateAsync,
            ["GetRole"] = roles.GetAsync,
            ["ListRoles"] = roles.ListAsync,
            ["DeleteRole"] = roles.DeleteAsync,
            ["UpdateRole"] = roles.UpdateAsync,
            ["UpdateAssumeRolePolicy"] = roles.UpdateAssumeRolePolicyAsync,
            ["PutRolePermissionsBoundary"] = roles.PutPermissionsBoundaryAsync,
            ["DeleteRolePermissionsBoundary"] = roles.DeletePermissionsBoundaryAsync,
            ["TagRole"] = roles.TagAsync,
            ["UntagRole"] = roles.UntagAsync,
            ["ListRoleTags"] = roles.ListTagsAsync,
            ["PutRolePolicy"] = rolePolicies.PutAsync,
            ["GetRolePolicy"] = rolePolicies.GetAsync,
            ["DeleteRolePolicy"] = rolePolicies.DeleteAsync,
            ["ListRolePolicies"] = rolePolicies.ListAsync,
            ["AttachRolePolicy"] = rolePolicies.AttachAsync,
            ["DetachRolePolicy"] = rolePolicies.DetachAsync,
            ["ListAttachedRolePolicies"] = rolePolicies.ListAttachedAsync,
            ["CreatePolicy"] = policies.CreateAsync,
            ["GetPolicy"] = policies.GetAsync,
            ["ListPolicies"] = policies.ListAsync,
            ["DeletePolicy"] = policies.DeleteAsync,
            ["CreatePolicyVersion"] = policies.CreateVersionAsync,
            ["GetPolicyVersion"] = policies.GetVersionAsync,
            ["ListPolicyVersions"] = policies.ListVersionsAsync,
            ["DeletePolicyVersion"] = policies.DeleteVersionAsync,
            ["SetDefaultPolicyVersion"] = policies.SetDefaultVersionAsync,
            ["SimulatePrincipalPolicy"] = simulation.SimulatePrincipalPolicyAsync,
            ["SimulateCustomPolicy"] = SimulationHandler.SimulateCustomPolicyAsync,
        };
    }

    /// <summary>Every action this API implements (the catalog test checks each has an entry in <see cref="Authorization.IamActionCatalog"/>).</summary>
    public IReadOnlyCollection<string> Actions => _actions.Keys;

    /// <summary>
    /// Runs one action and returns the UTF-8 success document (namespace <see cref="IamProtocol.Namespace"/>).
    /// </summary>
    /// <exception cref="AwsErrorException">A client-facing error (<c>InvalidAction</c>, <c>ValidationError</c>, <c>NoSuchEntity</c>…);
    /// render it with <see cref="QueryXml.Error"/> and <see cref="IamProtocol.Namespace"/>. The store is unchanged when this is thrown.</exception>
    public async Task<byte[]> ExecuteAsync(string action, QueryParameters parameters, CallerIdentity caller, string requestId)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(requestId);
        if (action is null || !_actions.TryGetValue(action, out var handler))
        {
            throw new AwsErrorException(AwsError.InvalidAction(action ?? string.Empty));
        }

        return await handler(new IamRequest(action, parameters, caller, requestId));
    }
}
