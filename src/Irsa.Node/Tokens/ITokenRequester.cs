namespace Irsa.Node.Tokens;

/// <summary>
/// Obtains a service-account token bound to a pod: the TokenRequest subresource
/// (<c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>) or an in-process issuer.
/// </summary>
public interface ITokenRequester
{
    /// <summary>Requests a token for <paramref name="serviceAccount"/> in <paramref name="namespace"/>.</summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="serviceAccount">The pod's service account name.</param>
    /// <param name="audiences">The audiences, or empty to get the issuer's default (API) audiences.</param>
    /// <param name="expirationSeconds">The requested lifetime in seconds.</param>
    /// <param name="boundPod">The pod the token is bound to.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token with <c>status.expirationTimestamp</c> and the applied <c>spec.expirationSeconds</c>.</returns>
    Task<TokenRequestResult> RequestAsync(
        string @namespace,
        string serviceAccount,
        IReadOnlyList<string> audiences,
        long expirationSeconds,
        BoundPodReference boundPod,
        CancellationToken cancellationToken);
}

/// <summary>The pod a requested token is bound to (<c>boundObjectRef</c> with kind Pod, apiVersion v1).</summary>
/// <param name="Name">The pod name.</param>
/// <param name="Uid">The pod UID.</param>
public sealed record BoundPodReference(string Name, string Uid);

/// <summary>The parts of a TokenRequest response the projection uses.</summary>
/// <param name="Token">The JWT (<c>status.token</c>). Never log it.</param>
/// <param name="ExpirationTimestamp">When the token expires (<c>status.expirationTimestamp</c>).</param>
/// <param name="ExpirationSeconds">The lifetime the server applied (<c>spec.expirationSeconds</c> of the response).</param>
public sealed record TokenRequestResult(string Token, DateTimeOffset ExpirationTimestamp, long ExpirationSeconds)
{
    /// <summary>Keeps the token out of logs and exception messages.</summary>
    public override string ToString() =>
        $"TokenRequestResult {{ Token = <redacted>, ExpirationTimestamp = {ExpirationTimestamp:O}, ExpirationSeconds = {ExpirationSeconds} }}";
}
