using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Irsa.Audit.Tests;

/// <summary>Reads and rewrites a trail's gzip files the way a tamperer (or a reviewer) would.</summary>
internal static class TrailFiles
{
    public static List<string> Logs(string directory) => Find(directory, "CloudTrail");

    public static List<string> Digests(string directory) => Find(directory, "CloudTrail-Digest");

    public static byte[] Gunzip(string path)
    {
        using var input = File.OpenRead(path);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    public static JsonObject ReadJson(string path) => JsonNode.Parse(Gunzip(path))!.AsObject();

    public static void WriteGzip(string path, byte[] content)
    {
        using var output = File.Create(path);
        using var gzip = new GZipStream(output, CompressionLevel.Optimal);
        gzip.Write(content);
    }

    public static void WriteJson(string path, JsonNode node) => WriteGzip(path, JsonSerializer.SerializeToUtf8Bytes(node));

    /// <summary>The trail's files of one kind, wherever the key prefix put their <c>AWSLogs/</c> tree.</summary>
    private static List<string> Find(string directory, string kind) =>
        [.. Directory.EnumerateFiles(directory, "*.json.gz", SearchOption.AllDirectories)
            .Where(p => p.Split(Path.DirectorySeparatorChar).Contains(kind))
            .Order(StringComparer.Ordinal)];
}
