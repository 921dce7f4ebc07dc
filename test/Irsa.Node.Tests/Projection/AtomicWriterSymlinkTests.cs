using System.Text;
using Irsa.Node.Projection;
using Irsa.Node.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Irsa.Node.Tests.TestSupport.Modes;

namespace Irsa.Node.Tests.Projection;

/// <summary>
/// The attack: the pod owns the volume directory and plants symlinks in it (or makes it one) so that a writer running
/// as root writes, chmods or chowns somewhere else. Nothing outside the volume may change.
/// </summary>
public sealed class AtomicWriterSymlinkTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, FileProjection> Payload(string content) =>
        new() { ["token"] = new FileProjection(Encoding.UTF8.GetBytes(content), M0644) };

    /// <summary>A directory outside the volume with one file, mode 0700: what the attacker wants changed.</summary>
    private string Victim()
    {
        var victim = _temp.Combine("victim");
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Combine(victim, "token"), "precious");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return victim;
    }

    private static void AssertUntouched(string victim)
    {
        Assert.Equal(["token"], Directory.EnumerateFileSystemEntries(victim).Select(Path.GetFileName));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim, "token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(victim));
    }

    [Fact]
    public void A_symlinked_volume_directory_is_refused()
    {
        var victim = Victim();
        var volume = _temp.Combine("volume");
        Directory.CreateSymbolicLink(volume, victim);

        Assert.Throws<IOException>(() => new AtomicWriter(volume, _time).Write(Payload("t1")));
        AssertUntouched(victim);
    }

    [Fact]
    public void Symlinks_planted_under_the_writers_names_never_lead_outside_the_volume()
    {
        var victim = Victim();
        var volume = _temp.Combine("volume");
        Directory.CreateDirectory(volume);
        Directory.CreateSymbolicLink(Path.Combine(volume, AtomicWriter.NewDataDirectoryName), victim);
        Directory.CreateSymbolicLink(Path.Combine(volume, "..2025_03_04_05_06_07.1"), victim);
        Directory.CreateSymbolicLink(Path.Combine(volume, AtomicWriter.DataDirectoryName), victim);
        var writer = new AtomicWriter(volume, _time);

        Assert.True(writer.Write(Payload("t1")));
        Assert.True(writer.Write(Payload("t2")));

        Assert.Equal("t2", File.ReadAllText(Path.Combine(volume, "token")));
        Assert.Equal(M0644, File.GetUnixFileMode(Path.Combine(volume, AtomicWriter.DataDirectoryName, "token")));
        AssertUntouched(victim);
    }
}
