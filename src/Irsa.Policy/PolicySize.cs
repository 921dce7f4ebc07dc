namespace Irsa.Policy;

/// <summary>Size limits and counting rules; IAM does not count whitespace towards any policy size.</summary>
public static class PolicySize
{
    public const int ManagedPolicyMax = 6144;
    public const int TrustPolicyDefaultMax = 2048;
    public const int TrustPolicyHardMax = 4096;
    public const int RoleInlineTotalMax = 10240;
    public const int UserInlineTotalMax = 2048;
    public const int GroupInlineTotalMax = 5120;
    public const int SessionPolicyMax = 2048;
    public const int SessionPolicyArnsMax = 10;

    /// <summary>Characters that count towards a size limit (everything except whitespace).</summary>
    public static int CountCharacters(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var count = 0;
        foreach (var c in document)
        {
            if (!char.IsWhiteSpace(c))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>True when every character is TAB, LF, CR or in U+0020..U+00FF, the set IAM accepts.</summary>
    public static bool HasOnlyAllowedCharacters(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var c in document)
        {
            if (c is not ('\t' or '\n' or '\r' or (>= '\u0020' and <= '\u00FF')))
            {
                return false;
            }
        }

        return true;
    }
}
