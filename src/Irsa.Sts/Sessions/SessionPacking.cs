using System.IO.Compression;
using System.Text;

namespace Irsa.Sts.Sessions;

/// <summary>
/// The packed size of a session's policies and tags, as a percentage of what a session token may carry
/// (<c>PackedPolicySize</c>). AWS's packing is private, so this is a deterministic stand-in with two budgets, like the two
/// messages AWS has: the session policies (inline text without whitespace, then the policy ARNs) compressed with DEFLATE
/// against 1,024 bytes (so a 2,048-character policy passes unless it is nearly incompressible), and the session tags (key
/// and value bytes, two more per tag) against 360 bytes, which puts the six EKS Pod Identity tags near the 74 % AWS
/// reports for them.
/// </summary>
public static class SessionPacking
{
    public const int PolicyBudgetBytes = 1024;

    public const int TagBudgetBytes = 360;

    /// <summary>The policy and tag percentages (each 0 when nothing of its kind was passed).</summary>
    public static (int Policies, int Tags) Measure(string? policy, IReadOnlyList<string> policyArns, IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(policyArns);
        ArgumentNullException.ThrowIfNull(tags);
        var policies = 0;
        if (policy is not null || policyArns.Count > 0)
        {
            var text = new StringBuilder();
            foreach (var c in policy ?? string.Empty)
            {
                if (!char.IsWhiteSpace(c))
                {
                    text.Append(c);
                }
            }

            foreach (var arn in policyArns)
            {
                text.Append(arn).Append('\n');
            }

            using var buffer = new MemoryStream();
            using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                deflate.Write(Encoding.UTF8.GetBytes(text.ToString()));
            }

            policies = Percent(buffer.Length, PolicyBudgetBytes);
        }

        long tagBytes = 0;
        foreach (var (key, value) in tags)
        {
            tagBytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 2;
        }

        return (policies, tagBytes == 0 ? 0 : Percent(tagBytes, TagBudgetBytes));
    }

    private static int Percent(long bytes, int budget) => (int)Math.Min(int.MaxValue, (100 * bytes + budget - 1) / budget);
}
