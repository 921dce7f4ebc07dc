using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Irsa.Node.Tokens;

namespace Irsa.Cli.Commands.Pod;

/// <summary>
/// <c>irsa pod run</c>: runs any local process as a pod of a service account. The pod goes through the cluster's
/// admission (the pod-identity webhook), its token is projected into a private directory and kept fresh, and the
/// process gets exactly the environment the mutated pod spec defines, plus endpoint overrides pointing SDKs at Irsa.
/// </summary>
internal static class PodRunCommand
{
    /// <summary>Variables a container image would supply; everything else comes from the pod spec.</summary>
    private static readonly string[] PassThrough = ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "PYENV_ROOT", "DOTNET_ROOT"];

    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name", Required = true };
        var ns = new Option<string>("--namespace") { Description = "Pod namespace", DefaultValueFactory = _ => "default" };
        var serviceAccount = new Option<string>("--service-account") { Description = "Service account the pod runs as", Required = true };
        var name = new Option<string?>("--name") { Description = "Pod name (default: SERVICE-ACCOUNT-xxxxx)" };
        var env = new Option<string[]>("--env") { Description = "Extra container env var K=V (repeatable)", AllowMultipleArgumentsPerToken = false };
        var agentAddress = new Option<string>("--agent-address")
        {
            Description = "Where the pod's EKS Pod Identity agent listens: loopback (127.0.0.1, a free port) or link-local "
                + "(169.254.170.23 and fd00:ec2::23 in a network namespace of the pod's own, as on an EKS node; Linux, root)",
            DefaultValueFactory = _ => PodNetwork.Loopback,
        };
        agentAddress.AcceptOnlyFromAmong(PodNetwork.Loopback, PodNetwork.LinkLocal);
        var commandLine = new Argument<string[]>("command") { Description = "The command to run, after --", Arity = ArgumentArity.OneOrMore };
        var command = new Command("run", "Run a local process as a pod of a service account, with its projected token")
        {
            cluster, ns, serviceAccount, name, env, agentAddress, commandLine,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var access = await ClusterAccess.OpenAsync(client, parse.GetValue(cluster)!, ct);
            var podNamespace = parse.GetValue(ns)!;
            var account = parse.GetValue(serviceAccount)!;
            var podName = parse.GetValue(name) ?? account + "-" + RandomNumberGenerator.GetString("bcdfghjklmnpqrstvwxz2456789", 5);
            var argv = parse.GetValue(commandLine)!;
            var podsPath = $"/api/v1/namespaces/{Uri.EscapeDataString(podNamespace)}/pods";
            var pod = await access.SendAsync(HttpMethod.Post, podsPath, PodManifest(podNamespace, podName, account, argv, parse.GetValue(env) ?? []), ct);
            var root = Directory.CreateTempSubdirectory("irsa-pod-");
            try
            {
                await using var tokens = new ProjectedTokenManager(TokenSpec(pod, podNamespace, podName, account),
                    new ProjectedTokenManagerOptions { RootDirectory = root.FullName }, new HttpTokenRequester(access));
                await tokens.StartAsync(ct);

                // EKS Pod Identity: the node's agent for this pod only, signing eks-auth calls with the caller's keys.
                await using var network = await PodNetwork.StartAsync(parse.GetValue(agentAddress)!, UsesContainerCredentials(pod),
                    () => client.EksAuth(parse.GetValue(cluster)!), client.Endpoint, ct);
                var startInfo = ProcessStart(pod, tokens, client.Endpoint, client.CaBundleFile, network.AgentUriOverride);
                if (network.EnterCommand.Count > 0)
                {
                    // nsenter would report a missing command in its own words, after the namespace was made; say it as pod run does.
                    argv[0] = Executable(argv[0], startInfo.Environment["PATH"]);
                }

                return await RunAsync(startInfo, [.. network.EnterCommand, .. argv], ct);
            }
            finally
            {
                // Deleting the pod revokes its token at STS (the pod-liveness check), not only on this machine.
                await access.SendAsync(HttpMethod.Delete, podsPath + "/" + Uri.EscapeDataString(podName), null, CancellationToken.None, 404);
                root.Delete(recursive: true);
            }
        }));

        var pod = new Command("pod", "Run local processes as pods");
        pod.Subcommands.Add(command);
        return pod;
    }

    private static bool UsesContainerCredentials(JsonObject pod) =>
        pod["spec"]?["containers"]?[0]?["env"]?.AsArray().Any(e => e?.Text("name") == "AWS_CONTAINER_CREDENTIALS_FULL_URI") == true;

    private static JsonObject PodManifest(string ns, string name, string serviceAccount, string[] argv, string[] env) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["irsa.dev/local-process"] = "true" } },
        ["spec"] = new JsonObject
        {
            ["serviceAccountName"] = serviceAccount,
            ["nodeName"] = Environment.MachineName.ToLowerInvariant(),
            ["restartPolicy"] = "Never",
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "main",
                ["image"] = "local-process",
                ["command"] = new JsonArray([.. argv.Select(a => JsonValue.Create(a))]),
                ["env"] = new JsonArray([.. env.Select(ParseEnv)]),
            }),
        },
    };

    private static JsonNode ParseEnv(string pair)
    {
        var index = pair.IndexOf('=', StringComparison.Ordinal);
        return index <= 0
            ? throw new CliError($"--env '{pair}' must look like NAME=VALUE")
            : new JsonObject { ["name"] = pair[..index], ["value"] = pair[(index + 1)..] };
    }

    /// <summary>The projected token volumes of the mutated pod, as the node agent sees them.</summary>
    private static PodTokenSpec TokenSpec(JsonObject pod, string ns, string name, string serviceAccount)
    {
        var volumes = new List<ProjectedTokenVolume>();
        foreach (var volume in pod["spec"]?["volumes"]?.AsArray() ?? [])
        {
            var sources = volume?["projected"]?["sources"]?.AsArray().Select(s => s?["serviceAccountToken"]).OfType<JsonObject>()
                .Select(t => new ServiceAccountTokenProjection
                {
                    Audience = t.Text("audience"),
                    ExpirationSeconds = t["expirationSeconds"]?.GetValue<long>() ?? ServiceAccountTokenProjection.DefaultExpirationSeconds,
                    Path = t.Text("path") ?? "token",
                }).ToList();
            if (sources is { Count: > 0 })
            {
                volumes.Add(new ProjectedTokenVolume(volume!.Text("name")!, sources));
            }
        }

        return new PodTokenSpec(ns, name, pod.Text("metadata.uid")!, serviceAccount, volumes);
    }

    /// <summary>
    /// The container's env with each volume mount path mapped to the local volume directory, plus endpoint overrides.
    /// Nothing else from the caller's environment leaks in: in particular no credentials.
    /// </summary>
    private static ProcessStartInfo ProcessStart(JsonObject pod, ProjectedTokenManager tokens, string endpoint, string? caBundle, string? agentUri)
    {
        var container = pod["spec"]!["containers"]![0]!;
        var mounts = (container["volumeMounts"]?.AsArray() ?? [])
            .Select(m => (Path: m!.Text("mountPath")!, Volume: m.Text("name")!))
            .ToList();
        var start = new ProcessStartInfo { UseShellExecute = false };
        start.Environment.Clear();
        foreach (var key in PassThrough)
        {
            if (Environment.GetEnvironmentVariable(key) is { } value)
            {
                start.Environment[key] = value;
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var value = variable!.Text("value") ?? "";
            foreach (var (path, volume) in mounts)
            {
                if (value.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal))
                {
                    value = Path.Combine(tokens.GetVolumeDirectory(volume), value[(path.TrimEnd('/').Length + 1)..]);
                }
            }

            start.Environment[variable.Text("name")!] = value;
        }

        if (agentUri is not null)
        {
            // The admission wrote the node's link-local agent address; here the agent is this process's loopback listener.
            start.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agentUri;
        }

        start.Environment["AWS_ENDPOINT_URL"] = endpoint;
        start.Environment["AWS_ENDPOINT_URL_STS"] = endpoint;
        start.Environment["AWS_ENDPOINT_URL_S3"] = endpoint;
        start.Environment["AWS_ENDPOINT_URL_IAM"] = endpoint;
        if (caBundle is not null && endpoint.StartsWith("https://", StringComparison.Ordinal))
        {
            start.Environment["AWS_CA_BUNDLE"] = caBundle;
        }

        return start;
    }

    /// <summary>Runs the process, forwards SIGINT/SIGTERM to it, and returns its exit code (128+signal when killed).</summary>
    private static async Task<int> RunAsync(ProcessStartInfo start, string[] argv, CancellationToken cancellationToken)
    {
        start.FileName = argv[0];
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new CliError($"could not start {argv[0]}");
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Forward(context, process, 2));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Forward(context, process, 15));
        await process.WaitForExitAsync(CancellationToken.None);
        _ = cancellationToken;
        return process.ExitCode;
    }

    /// <summary>The executable file <paramref name="command"/> names, looked up in <paramref name="path"/> as exec does.</summary>
    private static string Executable(string command, string? path)
    {
        var candidates = command.Contains('/', StringComparison.Ordinal)
            ? [command]
            : (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(directory => Path.Combine(directory, command));
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate) && (OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }

        throw new CliError($"cannot run the command: {command}: no such executable file");
    }

    private static void Forward(PosixSignalContext context, Process process, int signal)
    {
        // The child decides how to die; we exit with its code once it does.
        context.Cancel = true;
        if (!process.HasExited)
        {
            _ = Kill(process.Id, signal);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
