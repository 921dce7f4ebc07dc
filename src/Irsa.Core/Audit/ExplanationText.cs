using System.Globalization;

namespace Irsa.Core.Audit;

/// <summary>
/// How an <see cref="Explanation"/> quotes values. Many come from the caller (token claims, request values), so each is cut
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
}
