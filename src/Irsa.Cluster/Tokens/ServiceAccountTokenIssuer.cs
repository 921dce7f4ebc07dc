using System.Buffers.Text;
using Irsa.Cluster.Keys;
using Irsa.Core.Json;

namespace Irsa.Cluster.Tokens;

/// <summary>
/// Mints bound service-account tokens byte-compatible with kube-apiserver's in-tree signer.
/// </summary>
/// <remarks>
/// The header is <c>{"alg":..,"kid":..}</c> with no <c>typ</c>; payload keys are sorted at every level (go-jose
/// re-marshals claims through a map), <c>aud</c> is always an array and all times are whole seconds from one clock read.
/// </remarks>
public sealed class ServiceAccountTokenIssuer
{
    private readonly TimeProvider _timeProvider;
    private readonly ITokenIdGenerator _tokenIds;

    /// <summary>Creates an issuer.</summary>
    public ServiceAccountTokenIssuer(TimeProvider timeProvider, ITokenIdGenerator? tokenIds = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _tokenIds = tokenIds ?? UuidTokenIdGenerator.Shared;
    }

    /// <summary>Signs a token for <paramref name="claims"/> with <paramref name="key"/> at the current time.</summary>
    public IssuedServiceAccountToken Issue(ClusterSigningKey key, ServiceAccountTokenClaims claims) =>
        Issue(key, claims, _timeProvider.GetUtcNow());

    /// <summary>Signs a token as of <paramref name="now"/> (truncated to whole seconds).</summary>
    public IssuedServiceAccountToken Issue(ClusterSigningKey key, ServiceAccountTokenClaims claims, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claims);

        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + claims.ExpirationSeconds;
        var tokenId = _tokenIds.NewTokenId();

        var header = WriteHeader(key);
        var payload = WritePayload(claims, tokenId, issuedAt, expiresAt);

        var headerLength = Base64Url.GetEncodedLength(header.Length);
        var payloadLength = Base64Url.GetEncodedLength(payload.Length);
        var signatureLength = Base64Url.GetEncodedLength(key.SignatureSize);
        var signingInputLength = headerLength + 1 + payloadLength;

        // One buffer holds the whole ASCII token; its prefix is the JWS signing input.
        var token = new byte[signingInputLength + 1 + signatureLength];
        Base64Url.EncodeToUtf8(header, token);
        token[headerLength] = (byte)'.';
        Base64Url.EncodeToUtf8(payload, token.AsSpan(headerLength + 1));
        token[signingInputLength] = (byte)'.';

        Span<byte> signature = stackalloc byte[key.SignatureSize];
        var signatureWritten = key.Sign(token.AsSpan(0, signingInputLength), signature);
        var encodedSignature = Base64Url.EncodeToUtf8(signature[..signatureWritten], token.AsSpan(signingInputLength + 1));

        var text = System.Text.Encoding.ASCII.GetString(token, 0, signingInputLength + 1 + encodedSignature);
        return new IssuedServiceAccountToken(
            text,
            tokenId,
            key.KeyId,
            DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    private static ReadOnlySpan<byte> WriteHeader(ClusterSigningKey key)
    {
        var writer = new GoJsonWriter(96);
        writer.StartObject();
        writer.StringField("alg", key.Algorithm.ToJoseName());
        writer.StringField("kid", key.KeyId);
        writer.EndObject();
        return writer.WrittenSpan;
    }

    private static ReadOnlySpan<byte> WritePayload(ServiceAccountTokenClaims claims, string tokenId, long issuedAt, long expiresAt)
    {
        // Keys in byte order at every level, as Go's map marshalling produces them.
        var writer = new GoJsonWriter(512);
        writer.StartObject();
        if (claims.Audiences.Count > 0)
        {
            writer.StringArrayField("aud", claims.Audiences);
        }

        writer.NumberField("exp", expiresAt);
        writer.NumberField("iat", issuedAt);
        if (!string.IsNullOrEmpty(claims.Issuer))
        {
            writer.StringField("iss", claims.Issuer);
        }

        if (!string.IsNullOrEmpty(tokenId))
        {
            writer.StringField("jti", tokenId);
        }

        writer.Name("kubernetes.io");
        writer.StartObject();
        if (!string.IsNullOrEmpty(claims.Namespace))
        {
            writer.StringField("namespace", claims.Namespace);
        }

        WriteRef(writer, "node", claims.Node);
        WriteRef(writer, "pod", claims.Pod);
        WriteRef(writer, "secret", claims.Secret);
        WriteRef(writer, "serviceaccount", claims.ServiceAccount);
        if (claims.WarnAfterSeconds is { } warnAfter)
        {
            writer.NumberField("warnafter", issuedAt + warnAfter);
        }

        writer.EndObject();
        writer.NumberField("nbf", issuedAt);
        writer.StringField("sub", claims.Subject);
        writer.EndObject();
        return writer.WrittenSpan;
    }

    private static void WriteRef(GoJsonWriter writer, string name, ObjectRef? reference)
    {
        if (reference is null)
        {
            return;
        }

        writer.Name(name);
        writer.StartObject();
        if (!string.IsNullOrEmpty(reference.Name))
        {
            writer.StringField("name", reference.Name);
        }

        if (!string.IsNullOrEmpty(reference.Uid))
        {
            writer.StringField("uid", reference.Uid);
        }

        writer.EndObject();
    }
}
