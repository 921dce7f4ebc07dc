namespace Irsa.Sts.WebIdentity;

/// <summary>
/// Names the Irsa cluster behind a token issuer, so a session obtained with one of its service-account tokens is attributed
/// to that cluster as well as to the pod. Implemented by the server, which knows its clusters.
/// </summary>
public interface IClusterIssuerDirectory
{
    /// <summary>The name of the cluster whose issuer is <paramref name="issuer"/>; <c>null</c> for any other issuer.</summary>
    ValueTask<string?> FindClusterNameAsync(string issuer, CancellationToken cancellationToken);
}
