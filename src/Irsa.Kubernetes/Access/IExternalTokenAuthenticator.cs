using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Authenticates bearer tokens that are not the cluster's own service-account tokens, such as EKS's
/// <c>k8s-aws-v1.</c> tokens (a presigned STS <c>GetCallerIdentity</c> URL). The host implements it: verifying such a
/// token needs the AWS side (SigV4, access keys, sessions, access entries), which this library does not know.
/// </summary>
public interface IExternalTokenAuthenticator
{
    /// <summary>Whether <paramref name="token"/> is of this authenticator's kind (by its shape alone, no work).</summary>
    bool Claims(string token);

    /// <summary>The user the token authenticates in <paramref name="cluster"/>, or null (the API answers 401).</summary>
    Task<V1UserInfo?> AuthenticateAsync(IKubernetesCluster cluster, string token, CancellationToken cancellationToken);
}
