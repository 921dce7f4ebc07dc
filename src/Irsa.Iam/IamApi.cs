using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Authorization;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Iam.Policies;
using Irsa.Iam.Roles;
using Irsa.Iam.Simulation;
using Irsa.Storage;

namespace Irsa.Iam;

/// <summary>
/// Executes IAM awsQuery actions against the store and renders the response document. Authorization is the
/// caller's job (see <see cref="Authorizer"/>); this class only confines every call to the caller's account.
/// The actions and their handlers are the rows of <see cref="IamActionCatalog"/>.
/// </summary>
public sealed class IamApi
{
    private readonly IamHandlers _handlers;

    public IamApi(IDocumentStore store, TimeProvider timeProvider, PrincipalPolicyResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _handlers = new IamHandlers(
            new OpenIdConnectProviderHandler(store, timeProvider),
            new RoleHandler(store, timeProvider),
            new RolePolicyHandler(store),
            new ManagedPolicyHandler(store, timeProvider),
            new SimulationHandler(resolver));
    }

    /// <summary>
    /// Runs one action and returns the UTF-8 success document (namespace <see cref="IamProtocol.Namespace"/>).
    /// </summary>
    /// <exception cref="AwsErrorException">A client-facing error (<c>InvalidAction</c>, <c>ValidationError</c>, <c>NoSuchEntity</c>…);
    /// render it with <see cref="QueryXml.Error"/> and <see cref="IamProtocol.Namespace"/>. The store is unchanged when this is thrown.</exception>
    public Task<byte[]> ExecuteAsync(string action, QueryParameters parameters, CallerIdentity caller, string requestId) =>
        ExecuteAsync(IamActionCatalog.Find(action) ?? throw new AwsErrorException(AwsError.InvalidAction(action ?? string.Empty)), parameters, caller, requestId);

    /// <summary>Runs one catalog row (the host resolved it, authenticated and authorized the call).</summary>
    public Task<byte[]> ExecuteAsync(IamAction action, QueryParameters parameters, CallerIdentity caller, string requestId)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(requestId);
        return action.Handler(_handlers)(new IamRequest(action.Name, parameters, caller, requestId));
    }
}

/// <summary>The handler objects the catalog rows select from.</summary>
internal sealed record IamHandlers(
    OpenIdConnectProviderHandler Providers,
    RoleHandler Roles,
    RolePolicyHandler RolePolicies,
    ManagedPolicyHandler Policies,
    SimulationHandler Simulation);
