using System.Security.Cryptography;
using System.Text;
using Irsa.Core.Security;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Delivery;

/// <summary>A public key that signed (or signs) digests, shaped like an element of ListPublicKeys' <c>PublicKeyList</c>.</summary>
/// <param name="Value">The DER of a PKCS#1 <c>RSAPublicKey</c> (validate-logs loads exactly this form).</param>
/// <param name="ValidityStartTime">When the key began signing.</param>
/// <param name="ValidityEndTime">When it stopped; <c>null</c> for the current key.</param>
/// <param name="Fingerprint">Lowercase hex MD5 of <paramref name="Value"/>, as in <c>digestPublicKeyFingerprint</c>.</param>
public sealed record PublicKeyInfo(byte[] Value, DateTimeOffset ValidityStartTime, DateTimeOffset? ValidityEndTime, string Fingerprint);

/// <summary>The 2048-bit RSA key that signs digests, stored in the journal with its private half encrypted under the master key.</summary>
internal sealed class DigestSigningKey : IDisposable
{
    public const string Purpose = "audit/digest-signing-key";

    private DigestSigningKey(RSA rsa, PublicKeyInfo info)
    {
        Rsa = rsa;
        Info = info;
    }

    public RSA Rsa { get; }

    public PublicKeyInfo Info { get; }

    public string Fingerprint => Info.Fingerprint;

    /// <summary>SHA256withRSA (RSASSA-PKCS1-v1_5) over the UTF-8 string, hex-encoded.</summary>
    public string SignHex(string stringToSign) =>
        Convert.ToHexStringLower(Rsa.SignData(Encoding.UTF8.GetBytes(stringToSign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The fingerprint CloudTrail gives a public key: MD5 of its PKCS#1 DER, lowercase hex.</summary>
#pragma warning disable CA5351 // An identifier whose format CloudTrail fixes, not a security hash.
    public static string FingerprintOf(byte[] pkcs1Der) => Convert.ToHexStringLower(MD5.HashData(pkcs1Der));
#pragma warning restore CA5351

    /// <summary>The current key, created (and stored encrypted) when there is none.</summary>
    public static DigestSigningKey LoadOrCreate(SqliteConnection connection, SecretProtector protector, DateTimeOffset now)
    {
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT protected_private_key, public_key, valid_from, fingerprint FROM signing_keys WHERE valid_to IS NULL";
            using var reader = select.ExecuteReader();
            if (reader.Read())
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(reader.GetString(0)), Purpose), out _);
                return new DigestSigningKey(rsa, new PublicKeyInfo((byte[])reader[1], DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)), null, reader.GetString(3)));
            }
        }

        return Create(connection, protector, now);
    }

    /// <summary>Retires the current key (it stays listed for the period it signed) and creates a new one.</summary>
    public static DigestSigningKey Rotate(SqliteConnection connection, SecretProtector protector, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using (var retire = connection.CreateCommand())
        {
            retire.Transaction = transaction;
            retire.CommandText = "UPDATE signing_keys SET valid_to = $now WHERE valid_to IS NULL";
            retire.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
            retire.ExecuteNonQuery();
        }

        var key = Create(connection, protector, now, transaction);
        transaction.Commit();
        return key;
    }

    /// <summary>Every key whose validity overlaps [<paramref name="start"/>, <paramref name="end"/>].</summary>
    public static List<PublicKeyInfo> List(SqliteConnection connection, DateTimeOffset start, DateTimeOffset end)
    {
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT public_key, valid_from, valid_to, fingerprint FROM signing_keys
            WHERE valid_from <= $end AND (valid_to IS NULL OR valid_to >= $start) ORDER BY valid_from
            """;
        select.Parameters.AddWithValue("$start", start.ToUnixTimeSeconds());
        select.Parameters.AddWithValue("$end", end.ToUnixTimeSeconds());
        using var reader = select.ExecuteReader();
        var keys = new List<PublicKeyInfo>();
        while (reader.Read())
        {
            keys.Add(new PublicKeyInfo((byte[])reader[0], DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)), reader.GetString(3)));
        }

        return keys;
    }

    public void Dispose() => Rsa.Dispose();

    private static DigestSigningKey Create(SqliteConnection connection, SecretProtector protector, DateTimeOffset now, SqliteTransaction? transaction = null)
    {
        var rsa = RSA.Create(2048);
        var publicKey = rsa.ExportRSAPublicKey();
        var info = new PublicKeyInfo(publicKey, now, null, FingerprintOf(publicKey));
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO signing_keys (fingerprint, public_key, protected_private_key, valid_from, valid_to)
            VALUES ($fingerprint, $public, $private, $from, NULL)
            """;
        insert.Parameters.AddWithValue("$fingerprint", info.Fingerprint);
        insert.Parameters.AddWithValue("$public", publicKey);
        insert.Parameters.AddWithValue("$private", Convert.ToBase64String(protector.Protect(rsa.ExportPkcs8PrivateKey(), Purpose)));
        insert.Parameters.AddWithValue("$from", now.ToUnixTimeSeconds());
        insert.ExecuteNonQuery();
        return new DigestSigningKey(rsa, info);
    }
}
