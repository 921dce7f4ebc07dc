namespace Irsa.Node.Agent;

/// <summary>Settings of the EKS Pod Identity agent; defaults are the real agent's (aws/eks-pod-identity-agent).</summary>
public sealed class PodIdentityAgentOptions
{
    /// <summary>The addresses pods call (<c>--bind-hosts</c>); a request's <c>Host</c> must name one of them.</summary>
    public IReadOnlyList<string> BindHosts { get; init; } = ["169.254.170.23", "fd00:ec2::23"];

    /// <summary>The port (<c>--port</c>).</summary>
    public int Port { get; init; } = 80;

    /// <summary>How long credentials are served from the cache at most before they are renewed
    /// (<c>--max-credential-retention-before-renewal</c>); zero asks eks-auth on every request.</summary>
    public TimeSpan MaxCredentialRetention { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Credentials with this little lifetime left are never served.</summary>
    public TimeSpan MinimumRemainingLifetime { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Bounds the cache: a node runs a few hundred pods, each with one token at a time.</summary>
    public int MaxCachedTokens { get; init; } = 10_000;

    /// <summary>How long the agent waits for eks-auth (the real agent: 1 s in total).</summary>
    public TimeSpan EksAuthTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
