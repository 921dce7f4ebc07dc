using System.Security.Cryptography;

namespace Irsa.Core.Security;

/// <summary>
/// Encrypts secrets at rest (private keys, secret access keys) with AES-256-GCM under the master key.
/// </summary>
/// <remarks>
/// Format: <c>version(1) | nonce(12) | tag(16) | ciphertext</c>. The purpose string is bound as
/// associated data, so a ciphertext stored for one purpose (e.g. a cluster key) cannot be replayed
/// as another (e.g. an access key secret).
/// </remarks>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(masterKey));
        }

        _key = masterKey.ToArray();
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize),
            System.Text.Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <exception cref="CryptographicException">The ciphertext was tampered with, or protected under another key or purpose.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string purpose)
    {
        if (protectedData.Length < 1 + NonceSize + TagSize || protectedData[0] != Version)
        {
            throw new CryptographicException("Unrecognised protected payload.");
        }

        var plaintext = new byte[protectedData.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(protectedData.Slice(1, NonceSize), protectedData[(1 + NonceSize + TagSize)..],
            protectedData.Slice(1 + NonceSize, TagSize), plaintext, System.Text.Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }

    public string ProtectString(string plaintext, string purpose) =>
        Convert.ToBase64String(Protect(System.Text.Encoding.UTF8.GetBytes(plaintext), purpose));

    public string UnprotectString(string protectedBase64, string purpose) =>
        System.Text.Encoding.UTF8.GetString(Unprotect(Convert.FromBase64String(protectedBase64), purpose));
}
