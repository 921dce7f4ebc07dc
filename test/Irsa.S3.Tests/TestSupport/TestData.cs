using System.Security.Cryptography;

namespace Irsa.S3.Tests.TestSupport;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "S3 defines ETags and Content-MD5 with MD5.")]
internal static class TestData
{
    public const int MiB = 1024 * 1024;

    public static byte[] Repeat(char c, int count) => Enumerable.Repeat((byte)c, count).ToArray();

    public static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    public static string Md5Base64(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
