namespace Irsa.Cluster;

/// <summary>
/// Per-cluster token settings, the equivalents of kube-apiserver's <c>--service-account-issuer</c>,
/// <c>--api-audiences</c>, <c>--service-account-max-token-expiration</c> and <c>--service-account-extend-token-expiration</c>.
/// </summary>
public sealed class ClusterIssuerOptions
{
    /// <summary>Hard upper bound on any token lifetime: 2^32 seconds.</summary>
    public const long MaxExpirationSecondsLimit = 1L << 32;

    /// <summary>Accepted issuers; the first one is written to new tokens and advertised in discovery.</summary>
    public required IReadOnlyList<string> Issuers { get; init; }

    /// <summary>API audiences; when empty, all <see cref="Issuers"/> are the API audiences.</summary>
    public IReadOnlyList<string> ApiAudiences { get; init; } = [];

    /// <summary>Maximum token lifetime in seconds; 0 means unlimited, otherwise between 3600 and 2^32.</summary>
    public long MaxTokenExpirationSeconds { get; init; }

    /// <summary>Whether pod-bound 3607-second API-audience tokens are extended to one year (default true).</summary>
    public bool ExtendTokenExpiration { get; init; } = true;

    /// <summary>The issuer of new tokens.</summary>
    public string Issuer => Issuers[0];

    /// <summary><see cref="ApiAudiences"/>, or all issuers when none are configured.</summary>
    public IReadOnlyList<string> EffectiveApiAudiences => ApiAudiences.Count > 0 ? ApiAudiences : Issuers;

    /// <summary>Returns every configuration problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Issuers is null || Issuers.Count == 0 || Issuers.Any(string.IsNullOrEmpty))
        {
            errors.Add("at least one non-empty service-account issuer is required");
        }

        if (MaxTokenExpirationSeconds != 0 && MaxTokenExpirationSeconds is < 3600 or > MaxExpirationSecondsLimit)
        {
            errors.Add("the service-account-max-token-expiration must be between 1 hour and 2^32 seconds");
        }

        if (ApiAudiences is null || ApiAudiences.Any(string.IsNullOrEmpty))
        {
            errors.Add("API audiences must not be empty strings");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the options are invalid.</summary>
    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid cluster issuer options: " + string.Join("; ", errors));
        }
    }
}
