namespace Irsa.SigV4;

/// <summary>Settings of a <see cref="SigV4Verifier"/>.</summary>
public sealed class SigV4VerifierOptions
{
    /// <summary>Allowed clock difference for header auth, both directions (AWS: 15 minutes).</summary>
    public TimeSpan AllowedClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Maps the credential scope's service name to its rules. Default: <c>s3</c> gets S3 rules.</summary>
    public Func<string, SigV4ServiceRules> ServiceRules { get; init; } = DefaultServiceRules;

    /// <summary>
    /// When set, a presigned URL is valid until its <c>X-Amz-Date</c> plus this, whatever its <c>X-Amz-Expires</c> says:
    /// EKS tokens are presigned for 60 s, yet EKS accepts them for 15 minutes (kubectl reuses one for 14).
    /// </summary>
    public TimeSpan? PresignedValidity { get; init; }

    /// <summary>How many derived signing keys to keep (0 disables caching).</summary>
    public int SigningKeyCacheCapacity { get; init; } = 4096;

    public static SigV4ServiceRules DefaultServiceRules(string service) =>
        string.Equals(service, "s3", StringComparison.Ordinal) ? SigV4ServiceRules.S3 : SigV4ServiceRules.Default;
}
