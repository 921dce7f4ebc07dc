namespace Irsa.Cluster.Tokens;

/// <summary>What a bound service-account token says, before times and a token id are added at signing.</summary>
/// <remarks>
/// At most one of <see cref="Pod"/> and <see cref="Secret"/> is set. <see cref="Node"/> is set either with
/// <see cref="Pod"/> (the pod's node) or alone (a node-bound token).
/// </remarks>
public sealed record ServiceAccountTokenClaims
{
    /// <summary>The <c>iss</c> claim: the first configured issuer.</summary>
    public required string Issuer { get; init; }

    /// <summary>Namespace of the service account.</summary>
    public required string Namespace { get; init; }

    /// <summary>The service account (name and UID).</summary>
    public required ObjectRef ServiceAccount { get; init; }

    /// <summary>The <c>aud</c> claim, always written as a JSON array.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>Seconds from issue time to <c>exp</c> (after clamping and extension).</summary>
    public required long ExpirationSeconds { get; init; }

    /// <summary>Seconds from issue time to <c>kubernetes.io.warnafter</c>; only for extended tokens.</summary>
    public long? WarnAfterSeconds { get; init; }

    /// <summary>The pod the token is bound to.</summary>
    public ObjectRef? Pod { get; init; }

    /// <summary>The secret the token is bound to.</summary>
    public ObjectRef? Secret { get; init; }

    /// <summary>The node of the bound pod, or the node the token is bound to.</summary>
    public ObjectRef? Node { get; init; }

    /// <summary>The <c>sub</c> claim: <c>system:serviceaccount:NAMESPACE:NAME</c>.</summary>
    public string Subject => ServiceAccountNames.MakeUsername(Namespace, ServiceAccount.Name);
}
