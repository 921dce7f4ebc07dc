namespace Irsa.Cluster.Tokens;

/// <summary>A Kubernetes object reference inside the <c>kubernetes.io</c> claim: name and (optional) UID.</summary>
/// <param name="Name">Object name.</param>
/// <param name="Uid">Object UID; <see langword="null"/> or empty is omitted from the token, as Go's <c>omitempty</c> does.</param>
public sealed record ObjectRef(string Name, string? Uid);
