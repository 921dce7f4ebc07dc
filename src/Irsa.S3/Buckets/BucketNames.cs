using System.Net;

namespace Irsa.S3.Buckets;

/// <summary>The bucket naming rules, checked when a bucket is created.</summary>
public static class BucketNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63
            || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal)
            || name.Contains("-.", StringComparison.Ordinal))
        {
            return false;
        }

        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.StartsWith("sthree-", StringComparison.Ordinal)
            || name.EndsWith("-s3alias", StringComparison.Ordinal) || name.EndsWith("--ol-s3", StringComparison.Ordinal)
            || name.EndsWith("--x-s3", StringComparison.Ordinal))
        {
            return false;
        }

        // Names formatted as an IPv4 address would be ambiguous with path-style hosts.
        return !(name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _));
    }
}
