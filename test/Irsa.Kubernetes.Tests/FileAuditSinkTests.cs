using System.Text.Json.Nodes;

namespace Irsa.Kubernetes.Tests;

public sealed class FileAuditSinkTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("irsa-audit-test-");

    [Fact]
    public async Task Events_are_json_lines_in_a_file_per_cluster()
    {
        using var sink = new FileKubernetesAuditSink(Path.Combine(_folder.FullName, "audit"), new KubernetesAuditOptions());

        await sink.WriteAsync("A1", Event("one"), CancellationToken.None);
        await sink.WriteAsync("A1", Event("two"), CancellationToken.None);
        await sink.WriteAsync("B2", Event("three"), CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(sink.LogPath("A1"));
        Assert.Equal(["one", "two"], lines.Select(l => JsonNode.Parse(l)!["auditID"]!.GetValue<string>()));
        Assert.All(lines, l => Assert.StartsWith("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",", l, StringComparison.Ordinal));
        Assert.Single(await File.ReadAllLinesAsync(sink.LogPath("B2")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sink.LogPath("A1")));
        }
    }

    [Fact]
    public async Task Rotation_keeps_a_bounded_number_of_files_newest_first()
    {
        var lineLength = KubernetesAuditEventJson.Serialize(Event("e0")).Length + 1;
        using var sink = new FileKubernetesAuditSink(_folder.FullName, new KubernetesAuditOptions { MaxFileBytes = lineLength * 2, MaxBackups = 2 });

        for (var i = 0; i < 7; i++)
        {
            await sink.WriteAsync("C3", Event("e" + i), CancellationToken.None);
        }

        Assert.Equal(["C3.log", "C3.log.1", "C3.log.2"], _folder.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["e6"], await Ids(sink.LogPath("C3")));
        Assert.Equal(["e4", "e5"], await Ids(sink.LogPath("C3") + ".1"));
        Assert.Equal(["e2", "e3"], await Ids(sink.LogPath("C3") + ".2"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void A_cluster_id_cannot_name_a_file_outside_the_folder(string clusterId)
    {
        using var sink = new FileKubernetesAuditSink(_folder.FullName, new KubernetesAuditOptions());

        Assert.Throws<ArgumentException>(() => sink.LogPath(clusterId));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task<string[]> Ids(string path) =>
        [.. (await File.ReadAllLinesAsync(path)).Select(l => JsonNode.Parse(l)!["auditID"]!.GetValue<string>())];

    private static KubernetesAuditEvent Event(string id) => new()
    {
        Level = KubernetesAuditLevel.Metadata,
        AuditId = id,
        RequestUri = "/version",
        Verb = "get",
        ResponseCode = 200,
        RequestReceivedTimestamp = DateTimeOffset.UnixEpoch,
        StageTimestamp = DateTimeOffset.UnixEpoch,
    };
}
