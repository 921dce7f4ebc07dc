using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// A public signature-verification key read from a JWKS: RSA (<c>n</c>, <c>e</c>) or NIST-curve EC (<c>crv</c>, <c>x</c>, <c>y</c>).
/// Only the public parameters are kept; symmetric (<c>oct</c>) and encryption keys are never loaded.
/// </summary>
public sealed class JsonWebKey
{
    private const int MinimumRsaBits = 2048;
    private const int MaximumRsaBits = 8192;

    private readonly RSAParameters? _rsa;
    private readonly ECParameters? _ec;

    // Importing a public key into the crypto provider costs more than verifying with it, so imported instances are
    // pooled for the key's lifetime (one per concurrent verifier: instance members are not documented thread-safe).
    private readonly System.Collections.Concurrent.ConcurrentBag<AsymmetricAlgorithm> _imported = [];

    private JsonWebKey(string? keyId, string keyType, string? curve, string? algorithm, RSAParameters? rsa, ECParameters? ec)
    {
        KeyId = keyId;
        KeyType = keyType;
        Curve = curve;
        Algorithm = algorithm;
        _rsa = rsa;
        _ec = ec;
    }

    public string? KeyId { get; }

    public string KeyType { get; }

    public string? Curve { get; }

    /// <summary>The optional JWK <c>alg</c>; when present the token's algorithm must equal it.</summary>
    public string? Algorithm { get; }

    /// <summary>Whether this key may verify a token signed with <paramref name="algorithm"/> (kty, crv and any <c>alg</c> agree).</summary>
    public bool IsCompatibleWith(JwsAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return KeyType == algorithm.KeyType
            && (algorithm.Curve is null || algorithm.Curve == Curve)
            && (Algorithm is null || Algorithm == algorithm.Name);
    }

    /// <summary>Verifies a JWS signature; <c>false</c> for a wrong signature, a wrong length or an incompatible key.</summary>
    public bool Verify(JwsAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!IsCompatibleWith(algorithm) || signature.IsEmpty)
        {
            return false;
        }

        AsymmetricAlgorithm key;
        try
        {
            key = _imported.TryTake(out var pooled) ? pooled : Import();
        }
        catch (CryptographicException)
        {
            return false;
        }

        try
        {
            return key switch
            {
                RSA rsa => signature.Length == rsa.KeySize / 8
                    && rsa.VerifyData(signingInput, signature, algorithm.Hash, RSASignaturePadding.Pkcs1),
                ECDsa ecdsa => signature.Length == 2 * algorithm.CoordinateSize
                    && ecdsa.VerifyData(signingInput, signature, algorithm.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            _imported.Add(key);
        }
    }

    private AsymmetricAlgorithm Import() => _rsa is { } rsa ? RSA.Create(rsa) : ECDsa.Create(_ec!.Value);

    /// <summary>Reads one JWKS entry; <c>null</c> for entries that are not usable public signature keys.</summary>
    public static JsonWebKey? TryRead(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var keyType = String(element, "kty");
        var use = String(element, "use");
        if (use is not null && use != "sig")
        {
            return null;
        }

        // A JWKS must never carry private parameters; refuse such an entry instead of silently using it.
        if (element.TryGetProperty("d", out _))
        {
            return null;
        }

        var keyId = String(element, "kid");
        var algorithm = String(element, "alg");
        try
        {
            switch (keyType)
            {
                case "RSA":
                    var modulus = Bytes(element, "n");
                    var exponent = Bytes(element, "e");
                    if (modulus is null || exponent is null || exponent.Length is 0 or > 8)
                    {
                        return null;
                    }

                    var trimmed = modulus.AsSpan().TrimStart((byte)0).ToArray();
                    var bits = trimmed.Length * 8;
                    if (bits < MinimumRsaBits || bits > MaximumRsaBits)
                    {
                        return null;
                    }

                    var rsa = new RSAParameters { Modulus = trimmed, Exponent = exponent };
                    using (RSA.Create(rsa))
                    {
                        // Constructed once here so malformed keys are dropped at load time, not at verification.
                    }

                    return new JsonWebKey(keyId, "RSA", null, algorithm, rsa, null);
                case "EC":
                    var curveName = String(element, "crv");
                    var (curve, size) = curveName switch
                    {
                        "P-256" => (ECCurve.NamedCurves.nistP256, 32),
                        "P-384" => (ECCurve.NamedCurves.nistP384, 48),
                        "P-521" => (ECCurve.NamedCurves.nistP521, 66),
                        _ => (default(ECCurve), 0),
                    };
                    var x = Bytes(element, "x");
                    var y = Bytes(element, "y");
                    if (size == 0 || x is null || y is null || x.Length != size || y.Length != size)
                    {
                        return null;
                    }

                    var ec = new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } };
                    using (var probe = ECDsa.Create(ec))
                    {
                        // ECDsa.Create validates that the point is on the curve.
                    }

                    return new JsonWebKey(keyId, "EC", curveName, algorithm, null, ec);
                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement element, string name)
    {
        if (String(element, name) is not { Length: > 0 } text || text.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(text, out var length))
        {
            return null;
        }

        var bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == length ? bytes : null;
    }
}
