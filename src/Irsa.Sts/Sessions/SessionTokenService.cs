using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Irsa.Core.Aws;

namespace Irsa.Sts.Sessions;

/// <summary>
/// Issues and opens self-contained session credentials. The session token is the <see cref="RoleSession"/> sealed with
/// AES-256-GCM under the key ring's newest key; the secret access key is derived from the access key id and the token,
/// never stored.
/// </summary>
/// <remarks>
/// Token layout, base64url without padding (header-safe): <c>version(1) | keyIdLength(1) | keyId | nonce(12) | tag(16) | ciphertext</c>;
/// the header (version and key id) is the associated data. Secret = first 40 base64 characters of
/// <c>HMAC-SHA256(secretKey, accessKeyId || SHA-256(token))</c>.
/// </remarks>
public sealed class SessionTokenService
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Longer tokens are refused before decoding; a maximal session (2048-char policy, 10 ARNs, 50 tags) is far below.</summary>
    private const int MaxTokenLength = 32 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private volatile SessionKeyRing _ring;

    public SessionTokenService(SessionKeyRing keyRing) => _ring = keyRing ?? throw new ArgumentNullException(nameof(keyRing));

    /// <summary>The ring in use.</summary>
    public SessionKeyRing KeyRing => _ring;

    /// <summary>Swaps in a rotated or pruned ring (e.g. after the server persisted it).</summary>
    public void ReplaceKeyRing(SessionKeyRing keyRing) => _ring = keyRing ?? throw new ArgumentNullException(nameof(keyRing));

    /// <summary>Mints credentials for <paramref name="session"/>, assigning it a fresh <c>ASIA</c> access key id.</summary>
    public SessionCredentials Issue(RoleSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var key = _ring.Current;
        var sealedSession = session with { AccessKeyId = AccessKeyIds.NewTemporary(session.AccountId) };
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(sealedSession, Json);
        var token = Seal(key, plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        return new SessionCredentials(sealedSession.AccessKeyId, DeriveSecret(key, sealedSession.AccessKeyId, token), token, sealedSession);
    }

    /// <summary>Seals a serialized session under the newest key; tests use it to seal payloads written by older builds.</summary>
    internal string Seal(ReadOnlySpan<byte> plaintext) => Seal(_ring.Current, plaintext);

    private static string Seal(SessionKeyRing.SessionKey key, ReadOnlySpan<byte> plaintext)
    {
        var keyId = Encoding.ASCII.GetBytes(key.KeyId);
        var headerLength = 2 + keyId.Length;
        var bytes = new byte[headerLength + NonceSize + TagSize + plaintext.Length];
        bytes[0] = Version;
        bytes[1] = (byte)keyId.Length;
        keyId.CopyTo(bytes, 2);
        var nonce = bytes.AsSpan(headerLength, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.SealKey, TagSize))
        {
            aes.Encrypt(nonce, plaintext, bytes.AsSpan(headerLength + NonceSize + TagSize), bytes.AsSpan(headerLength + NonceSize, TagSize),
                bytes.AsSpan(0, headerLength));
        }

        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Opens the session behind a signed request's access key id and <c>X-Amz-Security-Token</c>: tampered, unknown-key or
    /// mismatched tokens are <c>InvalidClientTokenId</c>, expired ones <c>ExpiredToken</c>.
    /// </summary>
    public SessionOpenResult Open(string accessKeyId, string? sessionToken, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        if (string.IsNullOrEmpty(sessionToken) || sessionToken.Length > MaxTokenLength || !Base64Url.IsValid(sessionToken, out var length)
            || sessionToken.Contains('=', StringComparison.Ordinal))
        {
            return SessionOpenResult.Invalid("malformed session token");
        }

        var bytes = new byte[length];
        if (!Base64Url.TryDecodeFromChars(sessionToken, bytes, out var written) || written != length
            || length < 2 || bytes[0] != Version || length < 2 + bytes[1] + NonceSize + TagSize)
        {
            return SessionOpenResult.Invalid("malformed session token");
        }

        var headerLength = 2 + bytes[1];
        var keyId = Encoding.ASCII.GetString(bytes, 2, bytes[1]);
        var key = _ring.Find(keyId);
        if (key is null)
        {
            return SessionOpenResult.Invalid("unknown session key " + keyId);
        }

        var plaintext = new byte[length - headerLength - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.SealKey, TagSize);
            aes.Decrypt(bytes.AsSpan(headerLength, NonceSize), bytes.AsSpan(headerLength + NonceSize + TagSize),
                bytes.AsSpan(headerLength + NonceSize, TagSize), plaintext, bytes.AsSpan(0, headerLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            return SessionOpenResult.Invalid("session token failed authentication");
        }

        RoleSession? session;
        try
        {
            session = JsonSerializer.Deserialize<RoleSession>(plaintext, Json);
        }
        catch (JsonException)
        {
            return SessionOpenResult.Invalid("unreadable session");
        }

        if (session is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.AccessKeyId), Encoding.ASCII.GetBytes(accessKeyId)))
        {
            return SessionOpenResult.Invalid("access key id does not match the session token");
        }

        if (now >= session.Expiration)
        {
            return SessionOpenResult.Expired(session);
        }

        return SessionOpenResult.Success(session, DeriveSecret(key, session.AccessKeyId, sessionToken));
    }

    private static string DeriveSecret(SessionKeyRing.SessionKey key, string accessKeyId, string token)
    {
        Span<byte> input = stackalloc byte[accessKeyId.Length + SHA256.HashSizeInBytes];
        var idLength = Encoding.ASCII.GetBytes(accessKeyId, input);
        SHA256.HashData(Encoding.ASCII.GetBytes(token), input[idLength..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key.SecretKey, input[..(idLength + SHA256.HashSizeInBytes)], mac);
        return Convert.ToBase64String(mac)[..40];
    }
}

/// <summary>Freshly issued session credentials; <see cref="ToString"/> never prints the secret or the token.</summary>
public sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, RoleSession Session)
{
    public override string ToString() => $"SessionCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Session.Expiration:O} }}";
}

/// <summary>The outcome of <see cref="SessionTokenService.Open"/>: a session and its secret, or the AWS error to answer with.</summary>
public sealed class SessionOpenResult
{
    private SessionOpenResult(RoleSession? session, string? secret, AwsError? error, string? detail)
    {
        Session = session;
        SecretAccessKey = secret;
        Error = error;
        Detail = detail;
    }

    /// <summary>The session (also set for expired sessions, for auditing).</summary>
    public RoleSession? Session { get; }

    /// <summary>The derived secret, for signature verification; only on success.</summary>
    public string? SecretAccessKey { get; }

    /// <summary><c>InvalidClientTokenId</c> or <c>ExpiredToken</c>; <c>null</c> on success.</summary>
    public AwsError? Error { get; }

    /// <summary>A loggable reason for a failure.</summary>
    public string? Detail { get; }

    public bool IsValid => Error is null;

    public bool IsExpired => Error?.Code == "ExpiredToken";

    internal static SessionOpenResult Success(RoleSession session, string secret) => new(session, secret, null, null);

    internal static SessionOpenResult Invalid(string detail) => new(null, null, AwsError.InvalidClientTokenId(), detail);

    internal static SessionOpenResult Expired(RoleSession session) => new(session, null, AwsError.ExpiredToken(), "session expired");

    public override string ToString() => $"SessionOpenResult {{ Valid = {IsValid}, Error = {Error?.Code}, Detail = {Detail} }}";
}
