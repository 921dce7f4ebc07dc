namespace Irsa.Node.Agent;

/// <summary>eks-auth's <c>AssumeRoleForPodIdentity</c>, as the agent calls it.</summary>
public interface IEksAuthClient
{
    /// <summary>Exchanges a pod's service account token for credentials; throws <see cref="EksAuthException"/> on failure.</summary>
    Task<ContainerCredentials> AssumeRoleForPodIdentityAsync(string token, CancellationToken cancellationToken);
}
