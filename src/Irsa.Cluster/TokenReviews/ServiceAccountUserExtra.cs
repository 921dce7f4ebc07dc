namespace Irsa.Cluster.TokenReviews;

/// <summary>Keys of <c>user.extra</c> for service-account users.</summary>
public static class ServiceAccountUserExtra
{
    /// <summary>Name of the pod the token is bound to.</summary>
    public const string PodName = "authentication.kubernetes.io/pod-name";

    /// <summary>UID of the pod the token is bound to.</summary>
    public const string PodUid = "authentication.kubernetes.io/pod-uid";

    /// <summary>Name of the node of the bound pod, or of the bound node.</summary>
    public const string NodeName = "authentication.kubernetes.io/node-name";

    /// <summary>UID of that node.</summary>
    public const string NodeUid = "authentication.kubernetes.io/node-uid";

    /// <summary>Credential id, <c>JTI=&lt;jti&gt;</c>.</summary>
    public const string CredentialId = "authentication.kubernetes.io/credential-id";
}
