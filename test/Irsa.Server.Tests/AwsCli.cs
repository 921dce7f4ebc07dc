using System.Diagnostics;

namespace Irsa.Server.Tests;

/// <summary>The AWS CLI v1 against a test server, as its admin, with nothing else of the environment's AWS settings.</summary>
public static class AwsCli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(IrsaTestServer server, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(server);
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[.. arguments, "--endpoint-url", server.Url, "--region", server.Region, "--output", "json"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = server.Admin.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = server.Admin.SecretAccessKey;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
