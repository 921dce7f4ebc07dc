using System.Globalization;
using System.Text;

namespace Irsa.Core.Audit;

/// <summary>
/// How an <see cref="Explanation"/> is written as text (values quoted; the whole rendered for <c>irsa audit explain</c>). Many values come from the caller (token claims, request values), so each is cut
/// to <see cref="MaxValueLength"/> and lists to <see cref="MaxListItems"/>: a crafted request cannot flood the trail.
/// </summary>
public static class ExplanationText
{
    public const int MaxValueLength = 256;

    public const int MaxListItems = 20;

    /// <summary><c>"value"</c>, cut when long; <c>(none)</c> for <c>null</c>.</summary>
    public static string Quote(string? value) =>
        value is null ? "(none)" : "\"" + (value.Length > MaxValueLength ? value[..MaxValueLength] + "…" : value) + "\"";

    /// <summary><c>"a", "b"</c>, with a count of what was left out.</summary>
    public static string List(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToList();
        var shown = string.Join(", ", all.Take(MaxListItems).Select(Quote));
        return all.Count > MaxListItems ? shown + string.Create(CultureInfo.InvariantCulture, $", … ({all.Count - MaxListItems} more)") : shown;
    }

    /// <summary>A NumericDate as <c>2026-08-07T12:00:00Z (1786104000)</c>; just the number when it is out of range.</summary>
    public static string Time(long unixSeconds)
    {
        var seconds = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return unixSeconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || unixSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? seconds
            : DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " (" + seconds + ")";
    }

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
