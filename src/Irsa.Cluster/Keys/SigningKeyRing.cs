namespace Irsa.Cluster.Keys;

/// <summary>
/// The rotation state of one cluster's signing keys: which key signs, which keys are published, and when retired
/// keys may be dropped.
/// </summary>
/// <remarks>
/// A new key is published immediately but signs only after a pre-publish delay (at least the JWKS cache age), so no
/// relying party sees a token before it can have the key. The previous key keeps signing until then, and stays
/// published until every token it signed has expired. Thread-safe; persist <see cref="ExportState"/> after changes.
/// </remarks>
public sealed class SigningKeyRing : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SigningKeyRingOptions _options;
    private readonly List<Entry> _entries = [];

    /// <summary>Creates an empty ring.</summary>
    public SigningKeyRing(SigningKeyRingOptions? options = null) => _options = options ?? new SigningKeyRingOptions();

    /// <summary>Restores a ring from persisted state (keys are imported from their PKCS#8 bytes).</summary>
    public static SigningKeyRing FromState(IEnumerable<SigningKeyRecord> records, SigningKeyRingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ring = new SigningKeyRing(options);
        try
        {
            foreach (var record in records)
            {
                var key = ClusterSigningKey.ImportPkcs8(record.PrivateKeyPkcs8);
                if (key.KeyId != record.KeyId)
                {
                    key.Dispose();
                    throw new InvalidOperationException($"Stored key {record.KeyId} does not match its private key.");
                }

                ring._entries.Add(new Entry(record, key));
            }
        }
        catch
        {
            ring.Dispose();
            throw;
        }

        return ring;
    }

    /// <summary>Snapshot of the ring for persistence, oldest key first.</summary>
    public IReadOnlyList<SigningKeyRecord> ExportState()
    {
        lock (_lock)
        {
            return _entries.Select(e => e.Record).ToList();
        }
    }

    /// <summary>Generates a new key and adds it as in <see cref="Rotate(DateTimeOffset, TimeSpan, ClusterSigningKey)"/>.</summary>
    public SigningKeyRecord Rotate(DateTimeOffset now, TimeSpan prePublishDelay, SigningAlgorithm algorithm = SigningAlgorithm.RS256) =>
        Rotate(now, prePublishDelay, ClusterSigningKey.Generate(algorithm));

    /// <summary>
    /// Adds <paramref name="newKey"/> (the ring takes ownership): published now, signing from
    /// <paramref name="now"/> + <paramref name="prePublishDelay"/>, when the current key retires. A ring with no key
    /// signing at <paramref name="now"/> activates the new key immediately, since nothing could sign meanwhile.
    /// </summary>
    public SigningKeyRecord Rotate(DateTimeOffset now, TimeSpan prePublishDelay, ClusterSigningKey newKey)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(prePublishDelay, TimeSpan.Zero);
        if (!newKey.HasPrivateKey)
        {
            throw new ArgumentException("A signing key needs its private half.", nameof(newKey));
        }

        lock (_lock)
        {
            if (_entries.Any(e => e.Record.KeyId == newKey.KeyId))
            {
                throw new ArgumentException("The key is already in the ring.", nameof(newKey));
            }

            var activatesAt = FindSigning(now) is null ? now : now + prePublishDelay;
            for (var i = 0; i < _entries.Count; i++)
            {
                var record = _entries[i].Record;
                if (record.RetiresAt is null || record.RetiresAt > activatesAt)
                {
                    // Never retire before activation, so a superseded pending key simply never signs.
                    var retiresAt = record.ActivatesAt > activatesAt ? record.ActivatesAt : activatesAt;
                    _entries[i] = _entries[i] with { Record = record with { RetiresAt = retiresAt } };
                }
            }

            var added = new SigningKeyRecord
            {
                KeyId = newKey.KeyId,
                Algorithm = newKey.Algorithm,
                PrivateKeyPkcs8 = newKey.ExportPkcs8PrivateKey(),
                PublishedAt = now,
                ActivatesAt = activatesAt,
            };
            _entries.Add(new Entry(added, newKey));
            return added;
        }
    }

    /// <summary>The key that signs at <paramref name="now"/>.</summary>
    /// <exception cref="InvalidOperationException">The ring has no active key (call <see cref="Rotate(DateTimeOffset, TimeSpan, SigningAlgorithm)"/>).</exception>
    public ClusterSigningKey GetSigningKey(DateTimeOffset now)
    {
        lock (_lock)
        {
            return FindSigning(now)?.Key ?? throw new InvalidOperationException("The signing key ring has no active key.");
        }
    }

    /// <summary>Every published key (published, active and retired-but-kept), oldest first: the JWKS contents.</summary>
    public IReadOnlyList<ClusterSigningKey> GetPublishedKeys()
    {
        lock (_lock)
        {
            return _entries.Select(e => e.Key).ToList();
        }
    }

    /// <summary>The state of every key at <paramref name="now"/>.</summary>
    public IReadOnlyList<(SigningKeyRecord Record, SigningKeyState State)> Describe(DateTimeOffset now)
    {
        lock (_lock)
        {
            var signing = FindSigning(now);
            return _entries
                .Select(e => (e.Record, e == signing ? SigningKeyState.Active : DescribeInactive(e.Record, now)))
                .ToList();
        }
    }

    /// <summary>Records that <paramref name="keyId"/> signed a token expiring at <paramref name="expiresAt"/>.</summary>
    /// <returns>Whether the stored maximum changed (and the state should be persisted).</returns>
    public bool RecordIssued(string keyId, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            var index = _entries.FindIndex(e => e.Record.KeyId == keyId);
            if (index < 0 || _entries[index].Record.LastTokenExpiresAt >= expiresAt)
            {
                return false;
            }

            _entries[index] = _entries[index] with { Record = _entries[index].Record with { LastTokenExpiresAt = expiresAt } };
            return true;
        }
    }

    /// <summary>When a retired key may leave the JWKS; <see langword="null"/> for keys that have not retired.</summary>
    public DateTimeOffset? PublishedUntil(SigningKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.RetiresAt is not { } retiresAt)
        {
            return null;
        }

        var lastExpiry = retiresAt + (_options.MaxTokenLifetime ?? TimeSpan.Zero);
        if (record.LastTokenExpiresAt > lastExpiry)
        {
            lastExpiry = record.LastTokenExpiresAt.Value;
        }

        return lastExpiry + _options.RetentionGrace;
    }

    /// <summary>Drops retired keys whose tokens have all expired; returns the removed records.</summary>
    public IReadOnlyList<SigningKeyRecord> Prune(DateTimeOffset now)
    {
        lock (_lock)
        {
            var signing = FindSigning(now);
            var removed = _entries
                .Where(e => e != signing && e.Record.RetiresAt <= now && PublishedUntil(e.Record) <= now)
                .ToList();

            // Removed keys are not disposed: a concurrent verifier may still hold them; they are public-only in use.
            _entries.RemoveAll(removed.Contains);
            return removed.Select(e => e.Record).ToList();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                entry.Key.Dispose();
            }

            _entries.Clear();
        }
    }

    private static SigningKeyState DescribeInactive(SigningKeyRecord record, DateTimeOffset now) =>
        record.ActivatesAt > now ? SigningKeyState.Published : SigningKeyState.Retired;

    // The newest key that has activated and not retired.
    private Entry? FindSigning(DateTimeOffset now)
    {
        Entry? best = null;
        foreach (var entry in _entries)
        {
            var record = entry.Record;
            if (record.ActivatesAt <= now && !(record.RetiresAt <= now)
                && (best is null || record.ActivatesAt >= best.Record.ActivatesAt))
            {
                best = entry;
            }
        }

        return best;
    }

    private sealed record Entry(SigningKeyRecord Record, ClusterSigningKey Key);
}
