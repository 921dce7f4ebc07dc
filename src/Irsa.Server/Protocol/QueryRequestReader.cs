using Irsa.Core.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Irsa.Server.Protocol;

/// <summary>Reads awsQuery parameters from a form body (POST) or the query string (GET, presigned calls).</summary>
public static class QueryRequestReader
{
    public static QueryParameters Read(HttpRequest request, byte[] body)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            Add(pairs, System.Text.Encoding.UTF8.GetString(body));
        }

        Add(pairs, request.QueryString.Value ?? "");
        return new QueryParameters(pairs);
    }

    private static void Add(List<KeyValuePair<string, string>> pairs, string encoded)
    {
        foreach (var (key, values) in QueryHelpers.ParseQuery(encoded))
        {
            pairs.Add(KeyValuePair.Create(key, values.ToString()));
        }
    }
}
