using System.Globalization;
using System.Text;
using Irsa.Core.Audit;

namespace Irsa.Audit.Query;

/// <summary>Renders an <see cref="Explanation"/> in plain words for <c>irsa audit explain</c>.</summary>
public static class ExplanationText
{
    /// <summary>
    /// The summary, the check that failed, each detail on its own line, then each policy statement involved with its
    /// source and line-numbered text.
    /// </summary>
    public static string Render(Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var text = new StringBuilder();
        text.Append(explanation.Summary).Append('\n');
        text.Append("Failed check: ").Append(explanation.Check).Append('\n');
        foreach (var detail in explanation.Details)
        {
            text.Append("  - ").Append(detail).Append('\n');
        }

        foreach (var policy in explanation.Policies)
        {
            text.Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"{policy.Source}, lines {policy.StartLine}-{policy.EndLine}:\n");
            var width = policy.EndLine.ToString(CultureInfo.InvariantCulture).Length;
            var lines = policy.Text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                text.Append((policy.StartLine + i).ToString(CultureInfo.InvariantCulture).PadLeft(width)).Append(" | ").Append(lines[i].TrimEnd('\r')).Append('\n');
            }
        }

        return text.ToString();
    }
}
