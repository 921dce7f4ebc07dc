using System.Security.Cryptography;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// The JWS algorithms STS accepts: RS256/384/512 and ES256/384/512. Everything else (<c>none</c>, HMAC, RSA-PSS,
/// unknown names) is refused before any key is looked up.
/// </summary>
public sealed class JwsAlgorithm
{
    private static readonly Dictionary<string, JwsAlgorithm> Known = new(StringComparer.Ordinal)
    {
        ["RS256"] = new("RS256", "RSA", null, HashAlgorithmName.SHA256, 0),
        ["RS384"] = new("RS384", "RSA", null, HashAlgorithmName.SHA384, 0),
        ["RS512"] = new("RS512", "RSA", null, HashAlgorithmName.SHA512, 0),
        ["ES256"] = new("ES256", "EC", "P-256", HashAlgorithmName.SHA256, 32),
        ["ES384"] = new("ES384", "EC", "P-384", HashAlgorithmName.SHA384, 48),
        ["ES512"] = new("ES512", "EC", "P-521", HashAlgorithmName.SHA512, 66),
    };

    private JwsAlgorithm(string name, string keyType, string? curve, HashAlgorithmName hash, int coordinateSize)
    {
        Name = name;
        KeyType = keyType;
        Curve = curve;
        Hash = hash;
        CoordinateSize = coordinateSize;
    }

    public string Name { get; }

    /// <summary>The JWK <c>kty</c> a key must have to verify this algorithm.</summary>
    public string KeyType { get; }

    /// <summary>The JWK <c>crv</c> for ECDSA algorithms; <c>null</c> for RSA.</summary>
    public string? Curve { get; }

    public HashAlgorithmName Hash { get; }

    /// <summary>ECDSA coordinate size in bytes (the signature is <c>R || S</c>, twice this); 0 for RSA.</summary>
    public int CoordinateSize { get; }

    /// <summary>The allow-list's names, for explaining a refusal.</summary>
    public static IEnumerable<string> Names => Known.Keys;

    /// <summary>Case-sensitive lookup in the allow-list.</summary>
    public static JwsAlgorithm? Find(string? name) => name is not null && Known.TryGetValue(name, out var algorithm) ? algorithm : null;
}
