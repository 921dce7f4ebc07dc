using System.Collections.Concurrent;
using Irsa.Cluster.Keys;
using Irsa.Core.Security;

namespace Irsa.Server.Cluster;

/// <summary>
/// One live <see cref="SigningKeyRing"/> per cluster, built from the cluster document, and the conversion between the
/// ring's state and its stored, encrypted form.
/// </summary>
/// <remarks>
/// A cached ring is reused while the stored key set (ids and rotation times) is unchanged; a document written by
/// another server instance therefore rebuilds it. Replaced rings are not disposed: a request may still be signing
/// with one of their keys.
/// </remarks>
internal sealed class ClusterKeyRings(SecretProtector protector)
{
    private const string KeyPurpose = "cluster/signing-key";

    private readonly ConcurrentDictionary<string, Cached> _rings = new(StringComparer.Ordinal);

    public SigningKeyRing Get(ClusterRecord cluster, SigningKeyRingOptions options)
    {
        var fingerprint = Fingerprint(cluster.Keys);
        if (_rings.TryGetValue(cluster.Id, out var cached) && cached.Fingerprint == fingerprint)
        {
            return cached.Ring;
        }

        var ring = Restore(cluster, options);
        _rings[cluster.Id] = new Cached(fingerprint, ring);
        return ring;
    }

    /// <summary>A fresh ring from the stored records (private keys decrypted).</summary>
    public SigningKeyRing Restore(ClusterRecord cluster, SigningKeyRingOptions options) =>
        SigningKeyRing.FromState(cluster.Keys.Select(FromStored), options);

    public void Replace(ClusterRecord cluster, SigningKeyRing ring) => _rings[cluster.Id] = new Cached(Fingerprint(cluster.Keys), ring);

    public void Forget(string clusterId) => _rings.TryRemove(clusterId, out _);

    public List<ClusterKeyRecord> ToStored(IEnumerable<SigningKeyRecord> records) => [.. records.Select(r => new ClusterKeyRecord
    {
        KeyId = r.KeyId,
        Algorithm = r.Algorithm.ToJoseName(),
        ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(r.PrivateKeyPkcs8, KeyPurpose)),
        PublishedAt = r.PublishedAt,
        ActivatesAt = r.ActivatesAt,
        RetiresAt = r.RetiresAt,
        LastTokenExpiresAt = r.LastTokenExpiresAt,
    })];

    private SigningKeyRecord FromStored(ClusterKeyRecord stored) => new()
    {
        KeyId = stored.KeyId,
        Algorithm = SigningAlgorithms.TryParseJoseName(stored.Algorithm, out var algorithm)
            ? algorithm
            : throw new InvalidOperationException($"Stored key {stored.KeyId} has an unknown algorithm."),
        PrivateKeyPkcs8 = protector.Unprotect(Convert.FromBase64String(stored.ProtectedPrivateKey), KeyPurpose),
        PublishedAt = stored.PublishedAt,
        ActivatesAt = stored.ActivatesAt,
        RetiresAt = stored.RetiresAt,
        LastTokenExpiresAt = stored.LastTokenExpiresAt,
    };

    // Recorded expiries are left out: the live ring tracks them itself and they change without a rotation.
    private static string Fingerprint(IEnumerable<ClusterKeyRecord> keys) =>
        string.Join(';', keys.Select(k => $"{k.KeyId},{k.ActivatesAt.UtcTicks},{k.RetiresAt?.UtcTicks}"));

    private sealed record Cached(string Fingerprint, SigningKeyRing Ring);
}
