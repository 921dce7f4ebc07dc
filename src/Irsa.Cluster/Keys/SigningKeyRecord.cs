namespace Irsa.Cluster.Keys;

/// <summary>Persistable state of one key in a <see cref="SigningKeyRing"/>.</summary>
/// <remarks>The private key is plain PKCS#8: encrypt it before storing.</remarks>
public sealed record SigningKeyRecord
{
    /// <summary>The key id (derived from the public key; kept for look-ups without importing).</summary>
    public required string KeyId { get; init; }

    /// <summary>The key's algorithm.</summary>
    public required SigningAlgorithm Algorithm { get; init; }

    /// <summary>The private key, unencrypted PKCS#8.</summary>
    public required byte[] PrivateKeyPkcs8 { get; init; }

    /// <summary>When the key was added and first published.</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>When the key starts signing.</summary>
    public required DateTimeOffset ActivatesAt { get; init; }

    /// <summary>When the key stops signing (a successor activates); <see langword="null"/> while it has none.</summary>
    public DateTimeOffset? RetiresAt { get; init; }

    /// <summary>The latest <c>exp</c> of any token recorded as signed by this key.</summary>
    public DateTimeOffset? LastTokenExpiresAt { get; init; }

    /// <summary>The key's state at <paramref name="now"/>.</summary>
    public SigningKeyState StateAt(DateTimeOffset now) =>
        RetiresAt <= now ? SigningKeyState.Retired
        : ActivatesAt <= now ? SigningKeyState.Active
        : SigningKeyState.Published;
}
