using System.Text.Json;

namespace Irsa.Core.Json;

/// <summary>How Go's <c>encoding/json</c> names a JSON value's type in its errors (<c>json: cannot unmarshal X into …</c>).</summary>
public static class GoJsonType
{
    public static string Of(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.Array => "array",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "object",
        _ => "null",
    };
}
