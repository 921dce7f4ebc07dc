namespace Irsa.Core.Audit;

/// <summary>
/// The pod behind a set of credentials, read from the bound service-account token at
/// <c>AssumeRoleWithWebIdentity</c> and sealed into the session, so every later call made with those credentials
/// is traced to the exact pod (AWS records only the service account's <c>sub</c>).
/// </summary>
/// <param name="Issuer">The token's issuer (<c>{public-url}/id/{ID}</c> for Irsa's clusters).</param>
/// <param name="ClusterName">The cluster's name when the issuer is one of Irsa's clusters; otherwise <c>null</c>.</param>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="ServiceAccount">The service account's name.</param>
/// <param name="PodName">The pod's name, when the token is bound to a pod.</param>
/// <param name="PodUid">The pod's uid, when the token is bound to a pod.</param>
/// <param name="NodeName">The node the pod runs on, when the token names it.</param>
public sealed record PodAttribution(
    string Issuer,
    string? ClusterName,
    string Namespace,
    string ServiceAccount,
    string? PodName,
    string? PodUid,
    string? NodeName)
{
    /// <summary>The service account's uid, when the token names it.</summary>
    public string? ServiceAccountUid { get; init; }

    /// <summary>The node's uid, when the token names it (a node that was not found at token time has none).</summary>
    public string? NodeUid { get; init; }
}
