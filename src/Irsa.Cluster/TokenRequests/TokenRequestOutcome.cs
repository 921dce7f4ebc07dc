using Irsa.Cluster.Errors;
using Irsa.Cluster.Tokens;
using k8s.Models;

namespace Irsa.Cluster.TokenRequests;

/// <summary>The result of a TokenRequest: a 201 response (with optional warnings) or a Kubernetes Status failure.</summary>
public sealed class TokenRequestOutcome
{
    private TokenRequestOutcome(Authenticationv1TokenRequest? response, IssuedServiceAccountToken? token, IReadOnlyList<string> warnings, KubernetesStatus? failure)
    {
        Response = response;
        Token = token;
        Warnings = warnings;
        Failure = failure;
    }

    /// <summary>Whether a token was issued.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>The response object (status 201) when <see cref="Succeeded"/>.</summary>
    public Authenticationv1TokenRequest? Response { get; }

    /// <summary>The issued token with its real <c>exp</c> (which, for extended tokens, exceeds the response's expiration).</summary>
    public IssuedServiceAccountToken? Token { get; }

    /// <summary>Warning texts; send each as <c>Warning: </c><see cref="KubernetesWarning.FormatHeaderValue"/>.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The failure when not <see cref="Succeeded"/>.</summary>
    public KubernetesStatus? Failure { get; }

    internal static TokenRequestOutcome Success(Authenticationv1TokenRequest response, IssuedServiceAccountToken token, IReadOnlyList<string> warnings) =>
        new(response, token, warnings, null);

    internal static TokenRequestOutcome Fail(KubernetesStatus failure) => new(null, null, [], failure);
}
