namespace Irsa.Webhook;

/// <summary>
/// Settings of the mutation engine; each property mirrors an upstream command-line flag and has
/// upstream's default.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The smallest token lifetime upstream accepts, in seconds.</summary>
    public const long MinTokenExpiration = 600;

    /// <summary>The default token lifetime, in seconds.</summary>
    public const long DefaultTokenExpirationSeconds = 86400;

    /// <summary>Prefix of every annotation read (<c>--annotation-prefix</c>).</summary>
    public string AnnotationPrefix { get; init; } = "eks.amazonaws.com";

    /// <summary>Default web-identity token audience (<c>--token-audience</c>).</summary>
    public string DefaultAudience { get; init; } = "sts.amazonaws.com";

    /// <summary>Web-identity token mount path (<c>--token-mount-path</c>).</summary>
    public string MountPath { get; init; } = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

    /// <summary>
    /// Default web-identity token lifetime in seconds (<c>--token-expiration</c>); use
    /// <see cref="EffectiveDefaultTokenExpiration"/>, which applies the 600 s floor.
    /// </summary>
    public long DefaultTokenExpiration { get; init; } = DefaultTokenExpirationSeconds;

    /// <summary>Region injected as <c>AWS_DEFAULT_REGION</c>/<c>AWS_REGION</c>; empty means none (<c>--aws-default-region</c>).</summary>
    public string Region { get; init; } = "";

    /// <summary>Default for injecting <c>AWS_STS_REGIONAL_ENDPOINTS=regional</c> (<c>--sts-regional-endpoint</c>).</summary>
    public bool DefaultStsRegionalEndpoint { get; init; }

    /// <summary>How long to wait for a missing ServiceAccount (<c>--service-account-lookup-grace-period</c>); zero disables waiting.</summary>
    public TimeSpan ServiceAccountLookupGracePeriod { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// With a value, a role-arn annotation that does not contain <c>arn:</c> is treated as a role
    /// name or path and composed into a full ARN (<c>--compose-role-arn</c>). The host resolves
    /// partition and account (upstream reads them from EC2 IMDS).
    /// </summary>
    public RoleArnComposition? ComposeRoleArn { get; init; }

    /// <summary>EKS Pod Identity ("container credentials") settings.</summary>
    public ContainerCredentialsOptions ContainerCredentials { get; init; } = new();

    /// <summary>
    /// When a pod is enrolled in EKS Pod Identity and its ServiceAccount also has a role, inject both mechanisms (the IRSA
    /// mutation, then the Pod Identity mutation of the result) and let the SDKs choose. Off by default: upstream injects
    /// only container credentials then. Irsa's in-server admission turns it on, so a pod's SDK resolves the two as its
    /// default chain orders them (web identity before the container provider in every SDK).
    /// </summary>
    public bool WebIdentityBesideContainerCredentials { get; init; }

    /// <summary>The web-identity volume name; fixed upstream.</summary>
    public const string WebIdentityVolumeName = "aws-iam-token";

    /// <summary>The web-identity token file name inside the volume; fixed upstream.</summary>
    public const string WebIdentityTokenPath = "token";

    /// <summary>The default token lifetime after the startup clamp.</summary>
    public long EffectiveDefaultTokenExpiration => Math.Max(DefaultTokenExpiration, MinTokenExpiration);
}

/// <summary>Partition and account used to build a role ARN from a bare role name.</summary>
/// <param name="Partition">For example <c>aws</c> or <c>aws-cn</c>.</param>
/// <param name="AccountId">The 12-digit account id.</param>
public sealed record RoleArnComposition(string Partition, string AccountId)
{
    /// <summary>Maps a region to its partition the way upstream does.</summary>
    public static string PartitionForRegion(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region switch
        {
            _ when region.StartsWith("cn-", StringComparison.Ordinal) => "aws-cn",
            _ when region.StartsWith("us-gov-", StringComparison.Ordinal) => "aws-us-gov",
            _ when region.StartsWith("us-isob-", StringComparison.Ordinal) => "aws-iso-b",
            _ when region.StartsWith("us-iso-", StringComparison.Ordinal) => "aws-iso",
            _ when region.StartsWith("eusc-", StringComparison.Ordinal) => "aws-eusc",
            _ => "aws",
        };
    }
}

/// <summary>Settings for EKS Pod Identity ("container credentials") mode.</summary>
public sealed class ContainerCredentialsOptions
{
    /// <summary>Token audience (<c>--container-credentials-audience</c>).</summary>
    public string Audience { get; init; } = "pods.eks.amazonaws.com";

    /// <summary>Mount path (<c>--container-credentials-token-mount-path</c>).</summary>
    public string MountPath { get; init; } = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";

    /// <summary>Volume name (<c>--container-credentials-token-volume-name</c>).</summary>
    public string VolumeName { get; init; } = "eks-pod-identity-token";

    /// <summary>Token file name inside the volume (<c>--container-credentials-token-path</c>).</summary>
    public string TokenPath { get; init; } = "eks-pod-identity-token";

    /// <summary>Value of <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> (<c>--container-credentials-full-uri</c>).</summary>
    public string FullUri { get; init; } = "http://169.254.170.23/v1/credentials";
}
