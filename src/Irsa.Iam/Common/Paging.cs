using System.Text;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Iam.Common;

/// <summary>
/// Marker/MaxItems paging over an ordered list. The marker is the opaque, base64url-encoded sort key of the
/// last item returned, so pages stay stable while items are added or removed.
/// </summary>
internal static class Paging
{
    public static Page<T> Apply<T>(IEnumerable<T> ordered, Func<T, string> sortKey, PageRequest request)
    {
        var items = ordered;
        if (request.Marker is not null)
        {
            var after = DecodeMarker(request.Marker);
            items = items.Where(i => string.CompareOrdinal(sortKey(i), after) > 0);
        }

        var window = items.Take(request.MaxItems + 1).ToList();
        if (window.Count <= request.MaxItems)
        {
            return new Page<T>(window, null);
        }

        window.RemoveAt(window.Count - 1);
        return new Page<T>(window, EncodeMarker(sortKey(window[^1])));
    }

    internal static string EncodeMarker(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string DecodeMarker(string marker)
    {
        try
        {
            var base64 = marker.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new AwsErrorException(AwsError.InvalidInput("Invalid Marker."));
        }
    }
}

/// <summary>One page of a List* result; <see cref="NextMarker"/> is set when more items follow.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextMarker)
{
    public bool IsTruncated => NextMarker is not null;

    /// <summary>Writes <c>IsTruncated</c> and, when truncated, <c>Marker</c>.</summary>
    public void WriteTruncation(XmlWriter xml)
    {
        xml.WriteElementString("IsTruncated", IsTruncated ? "true" : "false");
        xml.WriteOptional("Marker", NextMarker);
    }
}
