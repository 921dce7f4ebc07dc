namespace Irsa.Webhook;

/// <summary>Which credential mechanism a mutation injects.</summary>
public enum CredentialMode
{
    /// <summary>IRSA: <c>AWS_ROLE_ARN</c> and <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>.</summary>
    WebIdentity,

    /// <summary>EKS Pod Identity: <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> and <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c>.</summary>
    ContainerCredentials,
}

/// <summary>
/// Everything the patch builder needs for one pod, after precedence has been resolved
/// (upstream's <c>podPatchConfig</c>).
/// </summary>
public sealed record PodPatchConfig
{
    public required CredentialMode Mode { get; init; }

    /// <summary>The role ARN (web identity) or empty.</summary>
    public string RoleArn { get; init; } = "";

    /// <summary>The credentials endpoint (container credentials) or empty.</summary>
    public string FullUri { get; init; } = "";

    public required string Audience { get; init; }

    public required string MountPath { get; init; }

    public required string VolumeName { get; init; }

    public required string TokenPath { get; init; }

    public required long TokenExpiration { get; init; }

    public required bool UseRegionalSts { get; init; }

    /// <summary>Names of containers (init or regular) to leave untouched.</summary>
    public IReadOnlySet<string> SkipContainers { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
