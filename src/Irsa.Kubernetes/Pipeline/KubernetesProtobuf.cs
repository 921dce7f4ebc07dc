using System.Text;
using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;

namespace Irsa.Kubernetes;

/// <summary>
/// Reads the protobuf request bodies typed clients send (<c>application/vnd.kubernetes.protobuf</c>: kubectl's
/// <c>create token</c>, <c>auth can-i</c>, <c>auth whoami</c>) into the JSON the handlers decode.
/// </summary>
/// <remarks>
/// The envelope is the magic <c>k8s\0</c> and a <c>runtime.Unknown</c> (typeMeta, raw); <c>raw</c> is decoded per the
/// kind's message in <c>k8s.io/api/&lt;group&gt;/v1/generated.proto</c>. Only the request kinds listed here, and only the
/// fields their handlers read, are known; other fields are skipped. Responses are always JSON (clients accept it).
/// </remarks>
internal static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly Field[] ObjectMeta =
    [
        new(1, "name"), new(2, "generateName"), new(3, "namespace"), new(5, "uid"), new(6, "resourceVersion"),
        new(11, "labels", Type: FieldType.Map), new(12, "annotations", Type: FieldType.Map), new(14, "finalizers", Repeated: true),
    ];

    private static readonly Field[] PolicyRule =
    [
        new(1, "verbs", Repeated: true), new(2, "apiGroups", Repeated: true), new(3, "resources", Repeated: true),
        new(4, "resourceNames", Repeated: true), new(5, "nonResourceURLs", Repeated: true),
    ];

    private static readonly Field[] Binding =
    [
        new(1, "metadata", ObjectMeta),
        new(2, "subjects", [new(1, "kind"), new(2, "apiGroup"), new(3, "name"), new(4, "namespace")], Repeated: true),
        new(3, "roleRef", [new(1, "apiGroup"), new(2, "kind"), new(3, "name")]),
    ];

    private static readonly Dictionary<string, Field[]> Kinds = new(StringComparer.Ordinal)
    {
        ["TokenRequest"] =
        [
            new(1, "metadata", ObjectMeta),
            new(2, "spec", [
                new(1, "audiences", Repeated: true),
                new(4, "expirationSeconds", Type: FieldType.Int),
                new(3, "boundObjectRef", [new(1, "kind"), new(2, "apiVersion"), new(3, "name"), new(4, "uid")]),
            ]),
        ],
        ["SelfSubjectAccessReview"] =
        [
            new(1, "metadata", ObjectMeta),
            new(2, "spec", [
                new(1, "resourceAttributes", [new(1, "namespace"), new(2, "verb"), new(3, "group"), new(4, "version"), new(5, "resource"), new(6, "subresource"), new(7, "name")]),
                new(2, "nonResourceAttributes", [new(1, "path"), new(2, "verb")]),
            ]),
        ],
        ["SelfSubjectRulesReview"] = [new(1, "metadata", ObjectMeta), new(2, "spec", [new(1, "namespace")])],
        ["SelfSubjectReview"] = [new(1, "metadata", ObjectMeta)],
        ["Namespace"] = [new(1, "metadata", ObjectMeta), new(2, "spec", [new(1, "finalizers", Repeated: true)])],
        ["ServiceAccount"] =
        [
            new(1, "metadata", ObjectMeta),
            new(3, "automountServiceAccountToken", Type: FieldType.Bool),
            new(4, "imagePullSecrets", [new(1, "name")], Repeated: true),
        ],
        ["Role"] = [new(1, "metadata", ObjectMeta), new(2, "rules", PolicyRule, Repeated: true)],
        ["ClusterRole"] = [new(1, "metadata", ObjectMeta), new(2, "rules", PolicyRule, Repeated: true)],
        ["RoleBinding"] = Binding,
        ["ClusterRoleBinding"] = Binding,
        ["TokenReview"] = [new(1, "metadata", ObjectMeta), new(2, "spec", [new(1, "token"), new(2, "audiences", Repeated: true)])],
    };

    public static bool IsProtobuf(string? contentType) => contentType?.Split(';')[0].Trim() == MediaType;

    /// <summary>The body as JSON with <c>apiVersion</c> and <c>kind</c> from the envelope; 400 when it is not a known, well-formed message.</summary>
    public static JsonObject ToJson(byte[] body, string expectedKind)
    {
        try
        {
            if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
            {
                throw new FormatException("provided object is not a protobuf message: no k8s prefix");
            }

            string apiVersion = "", kind = "";
            var raw = ReadOnlyMemory<byte>.Empty;
            foreach (var (number, value) in Read(body.AsMemory(4)))
            {
                if (number == 1)
                {
                    foreach (var (typeField, typeValue) in Read(value.Bytes))
                    {
                        if (typeField == 1)
                        {
                            apiVersion = Encoding.UTF8.GetString(typeValue.Bytes.Span);
                        }
                        else if (typeField == 2)
                        {
                            kind = Encoding.UTF8.GetString(typeValue.Bytes.Span);
                        }
                    }
                }
                else if (number == 2)
                {
                    raw = value.Bytes;
                }
            }

            if (!Kinds.TryGetValue(kind.Length > 0 ? kind : expectedKind, out var fields))
            {
                throw new FormatException($"no kind \"{kind}\" is registered for the protobuf encoding");
            }

            var json = Message(raw, fields);
            json["apiVersion"] = apiVersion;
            json["kind"] = kind;
            return json;
        }
        catch (FormatException ex)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"the object provided is unrecognized (must be of type {expectedKind}): {ex.Message}"));
        }
    }

    private static JsonObject Message(ReadOnlyMemory<byte> bytes, Field[] fields)
    {
        var json = new JsonObject();
        foreach (var (number, value) in Read(bytes))
        {
            if (fields.FirstOrDefault(f => f.Number == number) is not { } field)
            {
                continue;
            }

            if (field.Type == FieldType.Map)
            {
                var entry = Read(value.Bytes);
                var map = json[field.Name] as JsonObject ?? [];
                json[field.Name] = map;
                map[Text(entry, 1)] = Text(entry, 2);
                continue;
            }

            JsonNode node = field switch
            {
                { Children: { } children } => Message(value.Bytes, children),
                { Type: FieldType.Int } => value.Varint,
                { Type: FieldType.Bool } => value.Varint != 0,
                _ => Encoding.UTF8.GetString(value.Bytes.Span),
            };
            if (field.Repeated)
            {
                if (json[field.Name] is not JsonArray list)
                {
                    list = [];
                    json[field.Name] = list;
                }

                list.Add(node);
            }
            else
            {
                json[field.Name] = node;
            }
        }

        return json;
    }

    /// <summary>The fields of one message: number and value (a varint, or the bytes of a length-delimited field).</summary>
    private static List<(int Number, WireValue Value)> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, WireValue)>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    fields.Add((number, new WireValue(ReadVarint(span, ref position), default)));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = ReadVarint(span, ref position);
                    if (length > (ulong)(span.Length - position))
                    {
                        throw new FormatException("unexpected EOF");
                    }

                    fields.Add((number, new WireValue(0, message.Slice(position, (int)length))));
                    position += (int)length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"illegal wireType {tag & 7}");
            }

            if (position > span.Length)
            {
                throw new FormatException("unexpected EOF");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length)
            {
                throw new FormatException("unexpected EOF");
            }

            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("integer overflow");
    }

    private static string Text(List<(int Number, WireValue Value)> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => Encoding.UTF8.GetString(f.Value.Bytes.Span)).LastOrDefault() ?? "";

    private enum FieldType
    {
        String,
        Int,
        Bool,
        Map,
    }

    private sealed record Field(int Number, string Name, Field[]? Children = null, bool Repeated = false, FieldType Type = FieldType.String);

    private readonly record struct WireValue(ulong Varint, ReadOnlyMemory<byte> Bytes);
}
