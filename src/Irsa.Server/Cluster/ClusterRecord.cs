namespace Irsa.Server.Cluster;

/// <summary>A cluster as stored: what EKS's <c>Cluster</c> shape reports plus the service-account signing keys.</summary>
public sealed record ClusterRecord
{
    public required string Name { get; init; }

    /// <summary>32 uppercase hex characters, EKS's shape; it names the issuer and the Kubernetes endpoint.</summary>
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string Version { get; init; }

    public required string RoleArn { get; init; }

    public required VpcConfig ResourcesVpcConfig { get; init; }

    public Dictionary<string, string> Tags { get; init; } = [];

    public string? ClientRequestToken { get; init; }

    /// <summary>
    /// The IAM identity that created the cluster (an assumed role is recorded as its role ARN, as EKS maps it): like EKS's
    /// <c>bootstrapClusterCreatorAdminPermissions</c>, only it is cluster-admin (admin-token). <c>null</c> for clusters
    /// stored before it was recorded: then only the account's bootstrap admin user is.
    /// </summary>
    public string? BootstrapClusterCreatorArn { get; init; }

    /// <summary>
    /// EKS's <c>accessConfig.authenticationMode</c>: <c>CONFIG_MAP</c>, <c>API_AND_CONFIG_MAP</c> or <c>API</c> (access entries
    /// are served in the last two). <c>null</c> for clusters stored before it was recorded, read as <c>CONFIG_MAP</c>.
    /// </summary>
    public string? AuthenticationMode { get; init; }

    /// <summary>The mode in force (<see cref="AuthenticationMode"/>, else <c>CONFIG_MAP</c>).</summary>
    public string EffectiveAuthenticationMode => AuthenticationMode ?? AccessEntries.ConfigMapMode;

    /// <summary>Signing keys, oldest first; the key ring decides which one signs and which are still published.</summary>
    public List<ClusterKeyRecord> Keys { get; init; } = [];

    public string Arn => $"arn:aws:eks:{Region}:{AccountId}:cluster/{Name}";
}

/// <summary>The VPC settings EKS echoes back; Irsa has no VPCs, it only keeps what the client sent.</summary>
public sealed record VpcConfig
{
    public List<string> SubnetIds { get; init; } = [];

    public List<string> SecurityGroupIds { get; init; } = [];

    public bool EndpointPublicAccess { get; init; } = true;

    public bool EndpointPrivateAccess { get; init; }

    public List<string> PublicAccessCidrs { get; init; } = ["0.0.0.0/0"];
}

/// <summary>
/// One signing key as stored: a <see cref="Irsa.Cluster.Keys.SigningKeyRecord"/> whose private key is encrypted under
/// the master key.
/// </summary>
public sealed record ClusterKeyRecord
{
    public required string KeyId { get; init; }

    /// <summary>JOSE name of the algorithm (<c>RS256</c>, <c>ES256</c>, ...).</summary>
    public required string Algorithm { get; init; }

    /// <summary>PKCS#8 private key, protected with <see cref="Core.Security.SecretProtector"/> (base64).</summary>
    public required string ProtectedPrivateKey { get; init; }

    /// <summary>When the key appeared in the JWKS.</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>When the key starts signing (published first, so relying parties know it before they meet it).</summary>
    public required DateTimeOffset ActivatesAt { get; init; }

    /// <summary>When a newer key takes over signing; null while this key has no successor.</summary>
    public DateTimeOffset? RetiresAt { get; init; }

    /// <summary>The latest <c>exp</c> recorded for a token this key signed (rounded up): it stays published until then.</summary>
    public DateTimeOffset? LastTokenExpiresAt { get; init; }
}
