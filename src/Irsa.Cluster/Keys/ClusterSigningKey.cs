using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Irsa.Core.Json;

namespace Irsa.Cluster.Keys;

/// <summary>
/// One service-account signing key (RSA or NIST-curve EC) with its Kubernetes key id and JWS signing primitives.
/// </summary>
/// <remarks>
/// The key id is <c>base64url(SHA-256(SubjectPublicKeyInfo DER))</c>, exactly as kube-apiserver derives it, so a key
/// imported into Irsa keeps the kid relying parties already know. Instances may be public-only (verification keys).
/// </remarks>
public sealed class ClusterSigningKey : IDisposable
{
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const int MinimumRsaKeySize = 2048;

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;
    private readonly HashAlgorithmName _hash;

    private ClusterSigningKey(RSA? rsa, ECDsa? ecdsa, bool hasPrivateKey)
    {
        _rsa = rsa;
        _ecdsa = ecdsa;
        HasPrivateKey = hasPrivateKey;
        if (rsa is not null)
        {
            if (rsa.KeySize < MinimumRsaKeySize)
            {
                throw new CryptographicException($"RSA keys must be at least {MinimumRsaKeySize} bits.");
            }

            Algorithm = SigningAlgorithm.RS256;
            _hash = HashAlgorithmName.SHA256;
            SignatureSize = rsa.KeySize / 8;
        }
        else
        {
            var parameters = ecdsa!.ExportParameters(false);
            if (!parameters.Curve.IsNamed)
            {
                // Explicit curve parameters export different SPKI bytes and therefore a different kid.
                throw new CryptographicException("EC keys must use a named curve.");
            }

            (Algorithm, _hash, CoordinateSize) = CurveOid(parameters.Curve) switch
            {
                "1.2.840.10045.3.1.7" => (SigningAlgorithm.ES256, HashAlgorithmName.SHA256, 32),
                "1.3.132.0.34" => (SigningAlgorithm.ES384, HashAlgorithmName.SHA384, 48),
                "1.3.132.0.35" => (SigningAlgorithm.ES512, HashAlgorithmName.SHA512, 66),
                _ => throw new CryptographicException("unknown private key curve, must be 256, 384, or 521"),
            };
            SignatureSize = 2 * CoordinateSize;
        }

        KeyId = ComputeKeyId(ExportSubjectPublicKeyInfo());
    }

    /// <summary>The JWS algorithm this key signs with (derived from the key, never chosen separately).</summary>
    public SigningAlgorithm Algorithm { get; }

    /// <summary>The Kubernetes key id: 43 base64url characters.</summary>
    public string KeyId { get; }

    /// <summary>Whether the private half is present (only such keys can sign or be exported as PKCS#8).</summary>
    public bool HasPrivateKey { get; }

    /// <summary>Length in bytes of a JWS signature from this key (RSA modulus size, or R||S for ECDSA).</summary>
    public int SignatureSize { get; }

    private int CoordinateSize { get; }

    /// <summary>Generates a fresh key: RSA-2048 for RS256, the matching NIST curve for ES256/384/512.</summary>
    public static ClusterSigningKey Generate(SigningAlgorithm algorithm) => algorithm switch
    {
        SigningAlgorithm.RS256 => new ClusterSigningKey(RSA.Create(MinimumRsaKeySize), null, hasPrivateKey: true),
        SigningAlgorithm.ES256 => new ClusterSigningKey(null, ECDsa.Create(ECCurve.NamedCurves.nistP256), hasPrivateKey: true),
        SigningAlgorithm.ES384 => new ClusterSigningKey(null, ECDsa.Create(ECCurve.NamedCurves.nistP384), hasPrivateKey: true),
        SigningAlgorithm.ES512 => new ClusterSigningKey(null, ECDsa.Create(ECCurve.NamedCurves.nistP521), hasPrivateKey: true),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unsupported signing algorithm."),
    };

    /// <summary>Imports an unencrypted PKCS#8 <c>PrivateKeyInfo</c> holding an RSA or EC key.</summary>
    /// <exception cref="CryptographicException">The bytes are not a supported PKCS#8 key.</exception>
    public static ClusterSigningKey ImportPkcs8(ReadOnlySpan<byte> pkcs8) =>
        Import(pkcs8, ReadPkcs8AlgorithmOid(pkcs8), isPrivate: true);

    /// <summary>Imports a public key from DER <c>SubjectPublicKeyInfo</c> (a verification-only key).</summary>
    /// <exception cref="CryptographicException">The bytes are not a supported public key.</exception>
    public static ClusterSigningKey ImportSubjectPublicKeyInfo(ReadOnlySpan<byte> spki) =>
        Import(spki, ReadSpkiAlgorithmOid(spki), isPrivate: false);

    /// <summary>Computes the Kubernetes kid of a DER <c>SubjectPublicKeyInfo</c>.</summary>
    public static string ComputeKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Base64Url.EncodeToString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Exports the private key as unencrypted PKCS#8 (the caller encrypts it at rest).</summary>
    public byte[] ExportPkcs8PrivateKey()
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("This key has no private half.");
        }

        return _rsa is not null ? _rsa.ExportPkcs8PrivateKey() : _ecdsa!.ExportPkcs8PrivateKey();
    }

    /// <summary>Exports the public key as DER <c>SubjectPublicKeyInfo</c>.</summary>
    public byte[] ExportSubjectPublicKeyInfo() =>
        _rsa is not null ? _rsa.ExportSubjectPublicKeyInfo() : _ecdsa!.ExportSubjectPublicKeyInfo();

    /// <summary>Signs <paramref name="data"/> and returns the JWS signature (ECDSA as fixed-size R||S).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = new byte[SignatureSize];
        var written = Sign(data, signature);
        return written == signature.Length ? signature : signature[..written];
    }

    /// <summary>Signs <paramref name="data"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public int Sign(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("This key has no private half.");
        }

        if (_rsa is not null)
        {
            return _rsa.SignData(data, destination, _hash, RSASignaturePadding.Pkcs1);
        }

        return _ecdsa!.SignData(data, destination, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Verifies a JWS signature over <paramref name="data"/> with this key's algorithm.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (_rsa is not null)
        {
            return _rsa.VerifyData(data, signature, _hash, RSASignaturePadding.Pkcs1);
        }

        return signature.Length == SignatureSize
            && _ecdsa!.VerifyData(data, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The public key as a JWK object, members in go-jose order (<c>use, kty, kid, crv, alg, x, y, n, e</c>).</summary>
    public byte[] ToJwk()
    {
        var writer = new GoJsonWriter();
        WriteJwk(writer);
        return writer.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    internal void WriteJwk(GoJsonWriter writer)
    {
        writer.StartObject();
        writer.StringField("use", "sig");
        if (_rsa is not null)
        {
            var parameters = _rsa.ExportParameters(false);
            writer.StringField("kty", "RSA");
            writer.StringField("kid", KeyId);
            writer.StringField("alg", Algorithm.ToJoseName());
            writer.StringField("n", Base64Url.EncodeToString(TrimLeadingZeros(parameters.Modulus!)));
            writer.StringField("e", Base64Url.EncodeToString(TrimLeadingZeros(parameters.Exponent!)));
        }
        else
        {
            var parameters = _ecdsa!.ExportParameters(false);
            writer.StringField("kty", "EC");
            writer.StringField("kid", KeyId);
            writer.StringField("crv", Algorithm switch
            {
                SigningAlgorithm.ES256 => "P-256",
                SigningAlgorithm.ES384 => "P-384",
                _ => "P-521",
            });
            writer.StringField("alg", Algorithm.ToJoseName());
            writer.StringField("x", Base64Url.EncodeToString(LeftPad(parameters.Q.X!, CoordinateSize)));
            writer.StringField("y", Base64Url.EncodeToString(LeftPad(parameters.Q.Y!, CoordinateSize)));
        }

        writer.EndObject();
    }

    private static string? CurveOid(ECCurve curve)
    {
        if (curve.Oid.Value is { Length: > 0 } value)
        {
            return value;
        }

        // Some platforms only report the friendly name of a named curve.
        return curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" or "secp256r1" => "1.2.840.10045.3.1.7",
            "nistP384" or "ECDSA_P384" or "secp384r1" => "1.3.132.0.34",
            "nistP521" or "ECDSA_P521" or "secp521r1" => "1.3.132.0.35",
            _ => null,
        };
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value.AsSpan(start);
    }

    private static byte[] LeftPad(byte[] value, int size)
    {
        if (value.Length >= size)
        {
            return value;
        }

        var padded = new byte[size];
        value.CopyTo(padded, size - value.Length);
        return padded;
    }

    private static ClusterSigningKey Import(ReadOnlySpan<byte> der, string oid, bool isPrivate)
    {
        AsymmetricAlgorithm algorithm = oid switch
        {
            RsaEncryptionOid => RSA.Create(),
            EcPublicKeyOid => ECDsa.Create(),
            _ => throw new CryptographicException($"Unsupported key algorithm {oid}."),
        };
        try
        {
            if (isPrivate)
            {
                algorithm.ImportPkcs8PrivateKey(der, out _);
            }
            else
            {
                algorithm.ImportSubjectPublicKeyInfo(der, out _);
            }

            return new ClusterSigningKey(algorithm as RSA, algorithm as ECDsa, isPrivate);
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
    }

    private static string ReadPkcs8AlgorithmOid(ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, ... }
            var outer = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER);
            var info = outer.ReadSequence();
            _ = info.ReadInteger();
            var algorithm = info.ReadSequence();
            return algorithm.ReadObjectIdentifier();
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The private key is not valid PKCS#8.", ex);
        }
    }

    private static string ReadSpkiAlgorithmOid(ReadOnlySpan<byte> spki)
    {
        try
        {
            // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
            var outer = new AsnReader(spki.ToArray(), AsnEncodingRules.DER);
            var info = outer.ReadSequence();
            var algorithm = info.ReadSequence();
            return algorithm.ReadObjectIdentifier();
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The public key is not a valid SubjectPublicKeyInfo.", ex);
        }
    }
}
