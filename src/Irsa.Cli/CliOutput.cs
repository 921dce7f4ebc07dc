using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Irsa.Cli;

/// <summary>Prints results as indented JSON (<c>--output json</c>) or as an aligned table (default).</summary>
internal static class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Prints rows; each column is (header, value selector).</summary>
    public static void Write(ParseResult parse, JsonNode json, IReadOnlyList<JsonObject> rows, params (string Header, Func<JsonObject, string?> Value)[] columns)
    {
        if (parse.GetValue(CliOptions.Output) == "json")
        {
            Console.WriteLine(json.ToJsonString(Indented));
            return;
        }

        var cells = rows.Select(r => columns.Select(c => c.Value(r) ?? "").ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        Console.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.PadRight(widths[i]))).TrimEnd());
        foreach (var row in cells)
        {
            Console.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }
    }

    public static string? Text(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }

        return node?.ToString();
    }
}
