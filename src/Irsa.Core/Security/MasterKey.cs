using System.Security.Cryptography;

namespace Irsa.Core.Security;

/// <summary>Loads the 32-byte master key from <c>IRSA_MASTER_KEY</c> (base64) or a 0600 key file, creating the file on first start.</summary>
public static class MasterKey
{
    public const string EnvironmentVariable = "IRSA_MASTER_KEY";

    public static byte[] Load(string keyFile, string? environmentValue)
    {
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return Decode(environmentValue.Trim(), EnvironmentVariable);
        }

        if (File.Exists(keyFile))
        {
            return Decode(File.ReadAllText(keyFile).Trim(), keyFile);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        PrivateFile.WriteAllText(keyFile, Convert.ToBase64String(key) + "\n");
        return key;
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The master key in {source} is not valid base64.");
        }

        return key.Length == 32
            ? key
            : throw new InvalidOperationException($"The master key in {source} must decode to 32 bytes, not {key.Length}.");
    }
}
