using System.Collections.Concurrent;
using System.Diagnostics;

namespace Irsa.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Irsa started the way a user starts it: <c>./irsa up</c> in a child process, on a free loopback port, with its own
/// data folder and HOME (so the AWS CLI's credential cache never crosses tests). Stopped with SIGTERM.
/// </summary>
public sealed class IrsaProcess : IAsyncLifetime
{
    private Process? _process;

    public DirectoryInfo Home { get; } = Directory.CreateTempSubdirectory("irsa-e2e-");

    public string DataDirectory => Path.Combine(Home.FullName, "data");

    public string Endpoint { get; private set; } = "";

    /// <summary>Arguments added to <c>irsa up</c> (log level and format, for instance).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Every line <c>irsa up</c> wrote to stdout, in order.</summary>
    public ConcurrentQueue<string> StandardOutputLines { get; } = new();

    /// <summary>Every line <c>irsa up</c> wrote to stderr (its log), in order.</summary>
    public ConcurrentQueue<string> StandardErrorLines { get; } = new();

    /// <summary>The environment of a user who ran <c>eval "$(irsa env)"</c>: the admin profile, nothing else AWS-related.</summary>
    public Dictionary<string, string?> AdminEnvironment => new()
    {
        ["HOME"] = Home.FullName,
        ["IRSA_DATA"] = DataDirectory,
        ["AWS_CONFIG_FILE"] = Path.Combine(DataDirectory, "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(DataDirectory, "credentials"),
        ["AWS_PROFILE"] = "irsa-admin",
    };

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Tool.RepositoryRoot, "irsa"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Tool.RepositoryRoot,
        };
        foreach (var argument in new[] { "up", "--data", DataDirectory, "--listen", "http://127.0.0.1:0" }.Concat(ExtraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Home.FullName;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { StandardOutputLines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { StandardErrorLines.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var endpointFile = Path.Combine(DataDirectory, "endpoint");
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(endpointFile))
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException($"./irsa up did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}).");
            }

            await Task.Delay(200);
        }

        Endpoint = (await File.ReadAllTextAsync(endpointFile)).Trim();
        using var http = new HttpClient();
        Assert.Equal("ok", await http.GetStringAsync(Endpoint + "/healthz"));
    }

    /// <summary>Runs <c>./irsa ARGS</c> as the admin user.</summary>
    public Task<ToolResult> IrsaAsync(params string[] arguments) =>
        Tool.RunAsync(Path.Combine(Tool.RepositoryRoot, "irsa"), arguments, AdminEnvironment);

    /// <summary>Runs the AWS CLI v1 as the admin user.</summary>
    public Task<ToolResult> AwsAsync(params string[] arguments) => Tool.RunAsync("aws", arguments, AdminEnvironment);

    /// <summary>Stops the server with <paramref name="signal"/> (15: graceful stop; 9: a crash) and waits until it exited
    /// and its output was read to the end; the data folder stays.</summary>
    public async Task StopAsync(int signal)
    {
        if (_process is { HasExited: false })
        {
            Assert.Equal(0, Tool.Signal(_process.Id, signal));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        // The parameterless wait also waits for the redirected streams to reach their end.
        _process?.WaitForExit();
    }

    /// <summary>Starts the server again on the same data folder (after <see cref="StopAsync"/>).</summary>
    public Task RestartAsync()
    {
        // A killed server leaves its endpoint file behind; the new one writes its own.
        File.Delete(Path.Combine(DataDirectory, "endpoint"));
        _process?.Dispose();
        return InitializeAsync();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _ = Tool.Signal(_process.Id, 15);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.WaitForExit();
        _process?.Dispose();
        Home.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
