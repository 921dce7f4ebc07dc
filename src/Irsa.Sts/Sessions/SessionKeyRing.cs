using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Irsa.Sts.Sessions;

/// <summary>
/// The server keys that seal session tokens and derive their secret access keys. Immutable: rotation returns a new
/// ring. New tokens use the newest key; older keys keep opening the tokens they sealed until pruned.
/// </summary>
/// <remarks>
/// The server persists <see cref="ToState"/> (encrypting it at rest itself) and restores it with <see cref="FromState"/>,
/// so sessions survive restarts and are accepted by every replica sharing the state.
/// </remarks>
public sealed class SessionKeyRing
{
    /// <summary>The longest a session can live (43200 s); a retired key is needed at least that long after its successor appears.</summary>
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromSeconds(43200);

    private readonly SessionKey[] _keys;

    private SessionKeyRing(SessionKey[] keys)
    {
        if (keys.Length == 0)
        {
            throw new ArgumentException("A key ring needs at least one key.", nameof(keys));
        }

        _keys = keys;
    }

    /// <summary>The key new tokens are sealed with (the newest).</summary>
    internal SessionKey Current => _keys[^1];

    public int Count => _keys.Length;

    /// <summary>A ring with one fresh key.</summary>
    public static SessionKeyRing Generate(DateTimeOffset now) => new([SessionKey.Create(NewKeyId(), RandomNumberGenerator.GetBytes(32), now)]);

    /// <summary>Restores a ring; keys are ordered oldest first.</summary>
    /// <exception cref="ArgumentException">The state is empty or a key is malformed.</exception>
    public static SessionKeyRing FromState(SessionKeyRingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var keys = state.Keys.OrderBy(k => k.CreatedAt).Select(k =>
        {
            var material = Convert.FromBase64String(k.Material);
            if (material.Length != 32 || k.KeyId.Length is 0 or > 32 || k.KeyId.Any(c => !char.IsAsciiLetterOrDigit(c)))
            {
                throw new ArgumentException("Malformed session key.", nameof(state));
            }

            return SessionKey.Create(k.KeyId, material, k.CreatedAt);
        }).ToArray();
        if (keys.Select(k => k.KeyId).Distinct(StringComparer.Ordinal).Count() != keys.Length)
        {
            throw new ArgumentException("Duplicate session key id.", nameof(state));
        }

        return new SessionKeyRing(keys);
    }

    /// <summary>The serializable state (contains key material: encrypt it at rest).</summary>
    public SessionKeyRingState ToState() =>
        new([.. _keys.Select(k => new SessionKeyState(k.KeyId, Convert.ToBase64String(k.Material), k.CreatedAt))]);

    /// <summary>A ring whose newest key is a fresh one; existing keys are kept to open the tokens they sealed.</summary>
    public SessionKeyRing Rotate(DateTimeOffset now) =>
        new([.. _keys, SessionKey.Create(NewKeyId(), RandomNumberGenerator.GetBytes(32), now)]);

    /// <summary>Drops retired keys whose every token has expired (successor older than <see cref="MaxSessionLifetime"/>).</summary>
    public SessionKeyRing Prune(DateTimeOffset now)
    {
        var kept = new List<SessionKey>();
        for (var i = 0; i < _keys.Length; i++)
        {
            var retiredAt = i + 1 < _keys.Length ? _keys[i + 1].CreatedAt : (DateTimeOffset?)null;
            if (retiredAt is null || now - retiredAt.Value <= MaxSessionLifetime)
            {
                kept.Add(_keys[i]);
            }
        }

        return new SessionKeyRing([.. kept]);
    }

    internal SessionKey? Find(string keyId) => Array.Find(_keys, k => k.KeyId == keyId);

    private static string NewKeyId() => RandomNumberGenerator.GetHexString(8, lowercase: true);

    /// <summary>One key: the stored material and the two subkeys derived from it (sealing and secret derivation).</summary>
    internal sealed class SessionKey
    {
        private SessionKey(string keyId, byte[] material, DateTimeOffset createdAt, byte[] sealKey, byte[] secretKey)
        {
            KeyId = keyId;
            Material = material;
            CreatedAt = createdAt;
            SealKey = sealKey;
            SecretKey = secretKey;
        }

        public string KeyId { get; }

        public byte[] Material { get; }

        public DateTimeOffset CreatedAt { get; }

        public byte[] SealKey { get; }

        public byte[] SecretKey { get; }

        public static SessionKey Create(string keyId, byte[] material, DateTimeOffset createdAt) =>
            new(keyId, material, createdAt,
                HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: Encoding.ASCII.GetBytes("irsa/sts/session-token/seal")),
                HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: Encoding.ASCII.GetBytes("irsa/sts/session-token/secret")));

        public override string ToString() => "SessionKey " + KeyId + " " + CreatedAt.ToString("O", CultureInfo.InvariantCulture);
    }
}

/// <summary>The persisted form of a <see cref="SessionKeyRing"/>.</summary>
public sealed record SessionKeyRingState(IReadOnlyList<SessionKeyState> Keys);

/// <summary>One persisted key: id, base64 of 32 bytes of material, creation time.</summary>
public sealed record SessionKeyState(string KeyId, string Material, DateTimeOffset CreatedAt)
{
    public override string ToString() => $"SessionKeyState {{ KeyId = {KeyId}, CreatedAt = {CreatedAt:O} }}";
}
