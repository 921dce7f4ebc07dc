using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Audit.Journal;

namespace Irsa.Audit.Tests.AwsCli;

/// <summary>What validate-logs printed and how it exited.</summary>
internal sealed record ValidateLogsRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The problem lines (validate-logs separates them with blank lines on stderr).</summary>
    public IReadOnlyList<string> Problems => [.. Stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    /// <summary>The <c>--verbose</c> lines for files found valid.</summary>
    public IReadOnlyList<string> Valid => [.. Stdout.Split('\n').Where(l => l.EndsWith("\tvalid", StringComparison.Ordinal))];
}

/// <summary>
/// Runs the installed AWS CLI's <c>validate-logs</c> command (<c>validate_logs_offline.py</c>) over buckets kept by a
/// <see cref="Irsa.Audit.Buckets.DirectoryTrailObjectStore"/>, with Irsa's own DescribeTrails and ListPublicKeys answers.
/// </summary>
internal static class AwsCliValidateLogs
{
    private const string Python = "python3";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Why the differential tests cannot run here (no python with the awscli package), or <c>null</c>.</summary>
    public static string? SkipReason => Unavailable.Value;

    public static async Task<ValidateLogsRun> RunAsync(AuditTrail trail, string bucketRoot, string accountId, DateTimeOffset start, DateTimeOffset end)
    {
        var work = Path.Combine(Path.GetTempPath(), "irsa-validate-logs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var region = trail.Options.HomeRegion;
            var trails = trail.DescribeTrails(JsonSerializer.Deserialize<JsonElement>("{}"), accountId, region).Response!;
            // validate-logs asks for [start, end + 2 h]; the CLI keeps blobs as their base64 text, as this file does.
            var keysRequest = new JsonObject { ["StartTime"] = start.ToUnixTimeSeconds(), ["EndTime"] = end.AddHours(2).ToUnixTimeSeconds() };
            var keys = trail.ListPublicKeys(JsonSerializer.SerializeToElement(keysRequest)).Response!;
            var trailsFile = Path.Combine(work, "describe-trails.json");
            var keysFile = Path.Combine(work, "list-public-keys.json");
            await File.WriteAllTextAsync(trailsFile, trails.ToJsonString());
            await File.WriteAllTextAsync(keysFile, keys.ToJsonString());
            var script = Path.Combine(AppContext.BaseDirectory, "AwsCli", "validate_logs_offline.py");
            return await RunPythonAsync([script, bucketRoot, trailsFile, keysFile, trail.Options.TrailArnFor(accountId),
                Iso(start), Iso(end), region]);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Iso(DateTimeOffset time) => Irsa.Audit.Records.CloudTrailTime.Iso(time);

    private static async Task<ValidateLogsRun> RunPythonAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new ValidateLogsRun(process.ExitCode, await stdout, await stderr);
    }

    private static string? Probe()
    {
        try
        {
            var run = RunPythonAsync(["-c", "import awscli.customizations.cloudtrail.validation"]).GetAwaiter().GetResult();
            return run.ExitCode == 0 ? null : $"{Python} cannot import awscli (pip install awscli): {run.Stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"No {Python} on PATH: {e.Message}";
        }
    }
}

/// <summary>A fact that runs where a python with the awscli package is on PATH (CI has it) and is skipped, with the reason, elsewhere.</summary>
public sealed class AwsCliFactAttribute : FactAttribute
{
    public AwsCliFactAttribute()
    {
        Skip = AwsCliValidateLogs.SkipReason;
    }
}
