using System.Diagnostics;
using System.Globalization;

namespace Irsa.Node.Tests.TestSupport;

/// <summary>Reads the owner of a file (following symlinks) with stat(1); .NET has no API for it.</summary>
internal static class FileOwner
{
    public static (long Uid, long Gid) Of(string path)
    {
        var info = new ProcessStartInfo("stat", ["-L", "-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        var parts = output.Split(':');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
