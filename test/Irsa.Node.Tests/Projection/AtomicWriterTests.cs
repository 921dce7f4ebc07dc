using System.Text;
using Irsa.Node.Projection;
using Irsa.Node.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Irsa.Node.Tests.TestSupport.Modes;

namespace Irsa.Node.Tests.Projection;

public sealed class AtomicWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));
    private readonly AtomicWriter _writer;

    public AtomicWriterTests() => _writer = new AtomicWriter(_temp.Path, _time);

    public void Dispose() => _temp.Dispose();

    private string DataLink => _temp.Combine(AtomicWriter.DataDirectoryName);

    private static Dictionary<string, FileProjection> Payload(params (string Path, string Content)[] files) =>
        files.ToDictionary(f => f.Path, f => new FileProjection(Encoding.UTF8.GetBytes(f.Content), M0644));

    private string[] VisibleEntries() =>
        new DirectoryInfo(_temp.Path).EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void FirstWrite_CreatesTimestampedDirectoryDataLinkAndUserVisibleLink()
    {
        var written = _writer.Write(Payload(("token", "t1")));

        Assert.True(written);
        var target = new FileInfo(DataLink).LinkTarget;
        Assert.NotNull(target);
        Assert.Matches(@"^\.\.2025_03_04_05_06_07\.\d+$", target);
        Assert.Equal("..data/token", new FileInfo(_temp.Combine("token")).LinkTarget);
        Assert.Equal("t1", File.ReadAllText(_temp.Combine("token")));
        Assert.Equal(M0755, File.GetUnixFileMode(_temp.Combine(target)));
        Assert.Equal(new[] { "..2025", "..data", "token" }, VisibleEntries().Select(n => n.StartsWith("..2025", StringComparison.Ordinal) ? "..2025" : n));
        Assert.False(Path.Exists(_temp.Combine(AtomicWriter.NewDataDirectoryName)));
    }

    [Fact]
    public void IdenticalPayload_IsANoOp()
    {
        _writer.Write(Payload(("token", "t1")));
        var target = new FileInfo(DataLink).LinkTarget;
        _time.Advance(TimeSpan.FromMinutes(5));

        var written = _writer.Write(Payload(("token", "t1")));

        Assert.False(written);
        Assert.Equal(target, new FileInfo(DataLink).LinkTarget);
        Assert.Equal(3, VisibleEntries().Length);
    }

    [Fact]
    public void ChangedPayload_SwapsToNewDirectoryAndDeletesOldOne()
    {
        _writer.Write(Payload(("token", "t1")));
        var oldTarget = new FileInfo(DataLink).LinkTarget!;
        _time.Advance(TimeSpan.FromSeconds(61));

        var written = _writer.Write(Payload(("token", "t2")));

        Assert.True(written);
        var newTarget = new FileInfo(DataLink).LinkTarget!;
        Assert.NotEqual(oldTarget, newTarget);
        Assert.StartsWith("..2025_03_04_05_07_08.", newTarget, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine(oldTarget)));
        Assert.Equal("t2", File.ReadAllText(_temp.Combine("token")));
    }

    [Fact]
    public void ChangedMode_IsAChange()
    {
        _writer.Write(Payload(("token", "t1")));

        var written = _writer.Write(new Dictionary<string, FileProjection> { ["token"] = new(Encoding.UTF8.GetBytes("t1"), M0600) });

        Assert.True(written);
        Assert.Equal(M0600, File.GetUnixFileMode(_temp.Combine("token")));
    }

    [Fact]
    public void NamesLeavingThePayload_AreRemoved()
    {
        _writer.Write(Payload(("token", "t1"), ("old", "o"), ("dir/nested", "n")));
        Assert.Equal("n", File.ReadAllText(_temp.Combine("dir", "nested")));

        _writer.Write(Payload(("token", "t2")));

        Assert.False(Path.Exists(_temp.Combine("old")));
        Assert.Null(new FileInfo(_temp.Combine("old")).LinkTarget);
        Assert.Null(new FileInfo(_temp.Combine("dir")).LinkTarget);
        Assert.Equal(3, VisibleEntries().Length); // ..<ts>, ..data, token
    }

    [Fact]
    public void NestedPaths_GetOneTopLevelLink()
    {
        _writer.Write(Payload(("a/b", "1"), ("a/c", "2")));

        Assert.Equal("..data/a", new FileInfo(_temp.Combine("a")).LinkTarget);
        Assert.Equal("2", File.ReadAllText(_temp.Combine("a", "c")));
    }

    [Fact]
    public void FileModes_AreExactRegardlessOfUmask()
    {
        var payload = new Dictionary<string, FileProjection>
        {
            ["private"] = new("p"u8.ToArray(), M0600),
            ["group"] = new("g"u8.ToArray(), M0640),
            ["world"] = new("w"u8.ToArray(), M0644 | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite), // 0666 would be cut by a 022 umask
        };

        _writer.Write(payload);

        Assert.Equal(M0600, File.GetUnixFileMode(_temp.Combine("private")));
        Assert.Equal(M0640, File.GetUnixFileMode(_temp.Combine("group")));
        Assert.Equal(M0644 | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite, File.GetUnixFileMode(_temp.Combine("world")));
    }

    [Fact]
    public void Owner_IsAppliedWhenPrivileged()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // chown needs root; the mode tests still cover the unprivileged path
        }

        _writer.Write(new Dictionary<string, FileProjection> { ["token"] = new("t"u8.ToArray(), M0600, 1234, 5678) });

        var target = new FileInfo(DataLink).LinkTarget!;
        Assert.Equal((1234L, 5678L), FileOwner.Of(_temp.Combine(target, "token")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("..data")]
    public void InvalidPaths_AreRejectedBeforeTouchingTheDirectory(string path)
    {
        Assert.Throws<ArgumentException>(() => _writer.Write(Payload((path, "x"))));

        Assert.Empty(VisibleEntries());
    }

    [Fact]
    public void OverlongName_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => _writer.Write(Payload((new string('n', 256), "x"))));
    }

    [Fact]
    public void FileAndDirectoryWithTheSameName_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => _writer.Write(Payload(("a", "1"), ("a/b", "2"))));
    }

    [Fact]
    public void MissingTargetDirectory_Throws()
    {
        var writer = new AtomicWriter(_temp.Combine("missing"), _time);

        Assert.Throws<DirectoryNotFoundException>(() => writer.Write(Payload(("token", "t"))));
    }

    [Fact]
    public void LeftoverDataTmpLink_IsReplaced()
    {
        File.CreateSymbolicLink(_temp.Combine(AtomicWriter.NewDataDirectoryName), "..stale");

        _writer.Write(Payload(("token", "t1")));

        Assert.Equal("t1", File.ReadAllText(_temp.Combine("token")));
        Assert.Null(new FileInfo(_temp.Combine(AtomicWriter.NewDataDirectoryName)).LinkTarget);
    }

    [Fact]
    public void DeletedUserVisibleLink_IsRecreatedEvenWithIdenticalPayload()
    {
        _writer.Write(Payload(("token", "t1")));
        File.Delete(_temp.Combine("token"));

        _writer.Write(Payload(("token", "t1")));

        Assert.Equal("t1", File.ReadAllText(_temp.Combine("token")));
    }

    [Fact]
    public void OrphanedVersionDirectories_AreRemovedOnTheNextWrite()
    {
        _writer.Write(Payload(("token", "t1")));
        Directory.CreateDirectory(_temp.Combine("..2020_01_01_00_00_00.42"));
        Directory.CreateDirectory(_temp.Combine("..not-a-version"));

        _writer.Write(Payload(("token", "t2")));

        Assert.False(Directory.Exists(_temp.Combine("..2020_01_01_00_00_00.42")));
        Assert.True(Directory.Exists(_temp.Combine("..not-a-version")));
        Assert.Single(Directory.GetDirectories(_temp.Path, "..20*"));
    }
}
