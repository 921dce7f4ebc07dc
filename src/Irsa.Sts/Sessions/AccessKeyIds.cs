using System.Security.Cryptography;

namespace Irsa.Sts.Sessions;

/// <summary>
/// Access key ids that carry their account, as AWS's have since 2018: after the four-letter prefix, 16 base32 characters
/// encode 10 bytes whose first 48 bits hold the account id shifted left by 7 (top bit clear, low 7 bits random).
/// <c>GetAccessKeyInfo</c> decodes it without any lookup, so any node answers for any key it issued.
/// </summary>
public static class AccessKeyIds
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const long AccountMask = 0x7FFF_FFFF_FF80;

    /// <summary>A fresh temporary (<c>ASIA</c>) key id for <paramref name="accountId"/>.</summary>
    public static string NewTemporary(string accountId) => New("ASIA", accountId);

    /// <summary>A fresh key id with <paramref name="prefix"/> that encodes <paramref name="accountId"/> (12 digits).</summary>
    public static string New(string prefix, string accountId)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var account = long.Parse(accountId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        var head = (account << 7) | (bytes[5] & 0x7FL);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(head >> (8 * (5 - i)));
        }

        return prefix + Encode(bytes);
    }

    /// <summary>The account a key id encodes; <c>false</c> when it is not a 20-character AWS-shaped key id.</summary>
    public static bool TryDecodeAccount(string accessKeyId, out string accountId)
    {
        accountId = string.Empty;
        if (accessKeyId is not { Length: 20 })
        {
            return false;
        }

        ulong bits = 0;
        var bitCount = 0;
        long head = 0;
        var headBytes = 0;
        foreach (var c in accessKeyId.AsSpan(4))
        {
            var value = Base32.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            bits = (bits << 5) | (uint)value;
            bitCount += 5;
            while (bitCount >= 8 && headBytes < 6)
            {
                head = (head << 8) | (long)((bits >> (bitCount - 8)) & 0xFF);
                bitCount -= 8;
                headBytes++;
            }
        }

        accountId = ((head & AccountMask) >> 7).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new char[bytes.Length * 8 / 5];
        var bits = 0;
        var bitCount = 0;
        var at = 0;
        foreach (var b in bytes)
        {
            bits = (bits << 8) | b;
            bitCount += 8;
            while (bitCount >= 5)
            {
                text[at++] = Base32[(bits >> (bitCount - 5)) & 31];
                bitCount -= 5;
            }
        }

        return new string(text);
    }
}
