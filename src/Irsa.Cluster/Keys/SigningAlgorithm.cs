namespace Irsa.Cluster.Keys;

/// <summary>
/// The JWS algorithms kube-apiserver signs with or accepts: RS256 for any RSA key and ES256/384/512 for the NIST curves.
/// </summary>
public enum SigningAlgorithm
{
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (generated keys are RSA-2048).</summary>
    RS256,

    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    ES256,

    /// <summary>ECDSA on P-384 with SHA-384.</summary>
    ES384,

    /// <summary>ECDSA on P-521 with SHA-512.</summary>
    ES512,
}

/// <summary>Conversions between <see cref="SigningAlgorithm"/> and JOSE names.</summary>
public static class SigningAlgorithms
{
    /// <summary>The JOSE <c>alg</c> value, e.g. <c>RS256</c>.</summary>
    public static string ToJoseName(this SigningAlgorithm algorithm) => algorithm switch
    {
        SigningAlgorithm.RS256 => "RS256",
        SigningAlgorithm.ES256 => "ES256",
        SigningAlgorithm.ES384 => "ES384",
        SigningAlgorithm.ES512 => "ES512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported signing algorithm."),
    };

    /// <summary>Parses a JOSE <c>alg</c> value; only the four supported names (case-sensitive) succeed.</summary>
    public static bool TryParseJoseName(string? name, out SigningAlgorithm algorithm)
    {
        switch (name)
        {
            case "RS256":
                algorithm = SigningAlgorithm.RS256;
                return true;
            case "ES256":
                algorithm = SigningAlgorithm.ES256;
                return true;
            case "ES384":
                algorithm = SigningAlgorithm.ES384;
                return true;
            case "ES512":
                algorithm = SigningAlgorithm.ES512;
                return true;
            default:
                algorithm = default;
                return false;
        }
    }
}
