using Irsa.Node.Projection;

namespace Irsa.Node.Tokens;

/// <summary>A projected volume made of service-account token sources.</summary>
/// <param name="Name">The volume name; also the name of its directory under the pod directory.</param>
/// <param name="Sources">The token sources written into the volume.</param>
public sealed record ProjectedTokenVolume(string Name, IReadOnlyList<ServiceAccountTokenProjection> Sources)
{
    /// <summary>The IRSA volume name the webhook injects.</summary>
    public const string AwsIamTokenVolumeName = "aws-iam-token";

    /// <summary>The projected volume's <c>defaultMode</c> (0644 unless set).</summary>
    public UnixFileMode DefaultMode { get; init; } = TokenFileAccess.DefaultMode;

    /// <summary>
    /// The volume the webhook injects for IRSA: <c>aws-iam-token</c> with one <c>token</c> file.
    /// </summary>
    public static ProjectedTokenVolume AwsIamToken(string audience = "sts.amazonaws.com", long expirationSeconds = 86400) =>
        new(AwsIamTokenVolumeName, [new ServiceAccountTokenProjection { Audience = audience, ExpirationSeconds = expirationSeconds, Path = "token" }]);

    /// <summary>Throws <see cref="ArgumentException"/> when the volume cannot be projected.</summary>
    public void Validate()
    {
        PodTokenSpec.ValidateDirectoryName(Name, "volume name");
        ArgumentNullException.ThrowIfNull(Sources);
        if (Sources.Count == 0)
        {
            throw new ArgumentException($"Volume '{Name}' has no token sources.");
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            ArgumentNullException.ThrowIfNull(source);
            source.Validate();
            if (!paths.Add(source.Path))
            {
                throw new ArgumentException($"Volume '{Name}' has two sources with path '{source.Path}'.");
            }
        }
    }
}
