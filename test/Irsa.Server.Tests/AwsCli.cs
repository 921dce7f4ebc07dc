using System.Diagnostics;

namespace Irsa.Server.Tests;

/// <summary>The AWS CLI v1 against a test server, as its admin, with nothing else of the environment's AWS settings.</summary>
public static class AwsCli
{
    public static Task<(int Code, string Output, string Error)> RunAsync(IrsaTestServer server, params string[] arguments) =>
        RunAsAsync(server, null, null, [.. arguments, "--endpoint-url", server.Url]);

    /// <summary>
    /// Runs the CLI with <paramref name="credentials"/> (the admin's when null) and <paramref name="environment"/> added
    /// (<c>AWS_ENDPOINT_URL_STS</c> for <c>eks get-token</c>, which ignores <c>--endpoint-url</c>).
    /// </summary>
    public static async Task<(int Code, string Output, string Error)> RunAsAsync(IrsaTestServer server, Irsa.SigV4.SigV4Credentials? credentials,
        IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(server);
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[.. arguments, "--region", server.Region, "--output", "json"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        credentials ??= server.Admin;
        start.Environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        if (credentials.SessionToken is { } token)
        {
            start.Environment["AWS_SESSION_TOKEN"] = token;
        }

        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
