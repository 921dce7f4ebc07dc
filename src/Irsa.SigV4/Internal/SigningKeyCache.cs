using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Irsa.SigV4;

/// <summary>
/// Bounded cache of derived signing keys per (secret, date, region, service). The secret is never a key: it is
/// represented by a 128-bit HMAC under a random per-instance key, so a dump of the cache keys reveals nothing
/// and a rotated secret under the same access key id never hits a stale entry.
/// </summary>
internal sealed class SigningKeyCache
{
    private readonly ConcurrentDictionary<Entry, byte[]> _keys = new();
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);
    private readonly int _capacity;

    public SigningKeyCache(int capacity) => _capacity = capacity;

    public void GetSigningKey(string secret, string date, string region, string service, Span<byte> destination)
    {
        if (_capacity <= 0)
        {
            SigV4Crypto.DeriveSigningKey(secret, date, region, service, destination);
            return;
        }

        var entry = new Entry(Fingerprint(secret), date, region, service);
        if (_keys.TryGetValue(entry, out var cached))
        {
            cached.CopyTo(destination);
            return;
        }

        SigV4Crypto.DeriveSigningKey(secret, date, region, service, destination);
        if (_keys.Count >= _capacity)
        {
            // Keys change daily; dropping everything when full keeps the bound without LRU bookkeeping.
            _keys.Clear();
        }

        _keys.TryAdd(entry, destination.ToArray());
    }

    private UInt128 Fingerprint(string secret)
    {
        Span<byte> mac = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        var bytes = max <= 256 ? stackalloc byte[256] : new byte[max];
        var count = Encoding.UTF8.GetBytes(secret, bytes);
        HMACSHA256.HashData(_fingerprintKey, bytes[..count], mac);
        CryptographicOperations.ZeroMemory(bytes[..count]);
        return new UInt128(BitConverter.ToUInt64(mac), BitConverter.ToUInt64(mac[8..]));
    }

    private readonly record struct Entry(UInt128 Secret, string Date, string Region, string Service);
}
