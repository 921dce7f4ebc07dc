using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Core.Query;

namespace Irsa.Server.Aws;

/// <summary>
/// CloudTrail's <c>requestParameters</c>, built generically: awsQuery parameters become lower-camel members and
/// <c>.member.N</c> lists become arrays; REST-JSON bodies are kept as sent, with the route's path values.
/// Parameters a row marks unrecorded never appear.
/// </summary>
public static partial class AwsRequestParameters
{
    /// <summary>Deeper keys are not AWS's shapes; they are dropped rather than recursed into.</summary>
    private const int MaxDepth = 8;

    private static readonly HashSet<string> ProtocolParameters = new(StringComparer.Ordinal) { "Action", "Version" };

    public static JsonObject? From(AwsRequest request, AwsOperation operation, IReadOnlyDictionary<string, string> pathValues) =>
        operation.Route is null && operation.JsonTarget is null
            ? FromQuery(request.Query, operation.UnrecordedParameters)
            : FromJson(request, operation.UnrecordedParameters, pathValues, lowerCamel: operation.JsonTarget is not null);

    public static JsonObject? FromQuery(QueryParameters parameters, IReadOnlySet<string> unrecorded)
    {
        var root = new Node();
        foreach (var (key, value) in parameters.All)
        {
            var parts = key.Split('.');
            if (ProtocolParameters.Contains(key) || key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) || unrecorded.Contains(parts[0])
                || parts.Length > MaxDepth || parts.Any(p => p.Length == 0))
            {
                continue;
            }

            root.Insert(parts, 0, value);
        }

        return root.Fields.Count == 0 ? null : root.ToJson() as JsonObject;
    }

    private static JsonObject? FromJson(AwsRequest request, IReadOnlySet<string> unrecorded, IReadOnlyDictionary<string, string> pathValues, bool lowerCamel)
    {
        JsonObject result;
        try
        {
            result = request.Body.Length == 0 ? [] : JsonNode.Parse(WellFormed(request.Body)) as JsonObject ?? [];
        }
        catch (Exception exception) when (exception is JsonException or DecoderFallbackException)
        {
            result = [];
        }

        foreach (var (key, value) in pathValues)
        {
            result[key] = value;
        }

        foreach (var (key, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.RawQuery))
        {
            if (!key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                result[key] = value.ToString();
            }
        }

        foreach (var name in unrecorded)
        {
            result.Remove(name);
        }

        // awsJson members are PascalCase on the wire; CloudTrail records them lower-camel, as for awsQuery.
        if (lowerCamel)
        {
            result = (JsonObject)LowerCamelMembers(result, 0)!;
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// The body's JSON text with every escaped lone surrogate (<c>\ud800</c>) written as <c>\ufffd</c>. JSON's grammar
    /// allows them, but no .NET string holding one can be read back from a parsed document, and the record must be
    /// written for any body the caller sends.
    /// </summary>
    private static string WellFormed(byte[] body)
    {
        var text = StrictUtf8.GetString(body);
        return text.Contains("\\u", StringComparison.OrdinalIgnoreCase) ? LoneSurrogateEscape().Replace(text, "\\ufffd") : text;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex(@"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")]
    private static partial Regex LoneSurrogateEscape();

    private static JsonNode? LowerCamelMembers(JsonNode? node, int depth) => node switch
    {
        JsonObject json when depth < MaxDepth => new JsonObject(json.Where(m => m.Key.Length > 0).DistinctBy(m => LowerCamel(m.Key), StringComparer.Ordinal)
            .Select(m => KeyValuePair.Create(LowerCamel(m.Key), LowerCamelMembers(m.Value, depth + 1)))),
        JsonObject => new JsonObject(),
        JsonArray array => new JsonArray([.. array.Select(item => LowerCamelMembers(item, depth + 1))]),
        _ => node?.DeepClone(),
    };

    /// <summary>A member name as CloudTrail writes it: <c>RoleName</c> → <c>roleName</c>, <c>OpenIDConnectProviderArn</c> → <c>openIDConnectProviderArn</c>.</summary>
    private static string LowerCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private sealed class Node
    {
        public string? Value { get; private set; }

        public Dictionary<string, Node> Fields { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<int, Node> Items { get; } = [];

        public void Insert(string[] parts, int index, string value)
        {
            var name = LowerCamel(parts[index]);
            if (!Fields.TryGetValue(name, out var child))
            {
                child = Fields[name] = new Node();
            }

            var next = index + 1;
            if (next == parts.Length)
            {
                child.Value ??= value;
                return;
            }

            // Name.member.N[.Field]: list element N (1-based).
            if (parts[next] == "member" && next + 1 < parts.Length
                && int.TryParse(parts[next + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0)
            {
                if (!child.Items.TryGetValue(position, out var item))
                {
                    item = child.Items[position] = new Node();
                }

                if (next + 2 == parts.Length)
                {
                    item.Value ??= value;
                }
                else
                {
                    item.Insert(parts, next + 2, value);
                }

                return;
            }

            child.Insert(parts, next, value);
        }

        public JsonNode? ToJson()
        {
            if (Items.Count > 0)
            {
                return new JsonArray([.. Items.Values.Select(i => i.ToJson())]);
            }

            if (Fields.Count > 0)
            {
                return new JsonObject(Fields.Select(f => KeyValuePair.Create(f.Key, f.Value.ToJson())));
            }

            return Value is null ? null : JsonValue.Create(Value);
        }
    }
}
