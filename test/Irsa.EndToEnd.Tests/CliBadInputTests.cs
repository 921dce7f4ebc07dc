using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// Every verb with hostile values (empty, relative, missing and unwritable paths, non-URLs, a server that is down or
/// is not Irsa, files that are not what they should be): one line on stderr, a non-zero exit, never a stack trace.
/// </summary>
public sealed class CliBadInputTests(CliBadInputTests.Server server) : IClassFixture<CliBadInputTests.Server>
{
    /// <summary>
    /// Case name, environment (K=V, placeholders allowed) over the admin's (<c>AWS_PROFILE=</c> unsets the profile so the
    /// data folder is what counts), arguments (placeholders allowed).
    /// </summary>
    public static TheoryData<string, string[], string[]> Cases() => new()
    {
        { "empty IRSA_DATA", ["IRSA_DATA="], ["cluster", "list"] },
        { "empty --data", [], ["cluster", "list", "--data", ""] },
        { "relative --data with no server", ["AWS_PROFILE="], ["cluster", "list", "--data", "no-such-folder"] },
        { "missing --data with no server", [], ["kubeconfig", "--cluster", "c", "--data", "/nonexistent/irsa"] },
        { "empty --endpoint", [], ["cluster", "list", "--endpoint", ""] },
        { "non-URL --endpoint", [], ["cluster", "list", "--endpoint", "not a url"] },
        { "ftp --endpoint", [], ["cluster", "list", "--endpoint", "ftp://127.0.0.1/"] },
        { "non-URL IRSA_ENDPOINT", ["IRSA_ENDPOINT=::::"], ["cluster", "list"] },
        { "non-URL AWS_ENDPOINT_URL", ["AWS_ENDPOINT_URL=localhost"], ["cluster", "list"] },
        { "server down", [], ["cluster", "list", "--endpoint", "http://127.0.0.1:9"] },
        { "not an Irsa server (EKS)", [], ["cluster", "list", "--endpoint", "{endpoint}/healthz/x"] },
        { "not an Irsa server (IAM)", [], ["iam", "associate-oidc-provider", "--cluster", "bad-inputs", "--endpoint", "{endpoint}/id"] },
        { "garbage endpoint file", ["AWS_PROFILE="], ["cluster", "list", "--data", "{garbage-data}"] },
        { "unknown --profile", [], ["cluster", "list", "--profile", "nope"] },
        { "unknown AWS_PROFILE", ["AWS_PROFILE=nope"], ["cluster", "list"] },
        { "profile without keys", ["AWS_PROFILE=keyless"], ["cluster", "list"] },
        { "partial environment keys", ["AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"], ["cluster", "list"] },
        { "config file is a folder", ["AWS_CONFIG_FILE={home}", "AWS_SHARED_CREDENTIALS_FILE={home}"], ["cluster", "list"] },
        { "missing AWS_CA_BUNDLE", ["AWS_CA_BUNDLE=/nonexistent/ca.pem"], ["cluster", "list"] },
        { "AWS_CA_BUNDLE not PEM", ["AWS_CA_BUNDLE={not-json}"], ["cluster", "list"] },
        { "unknown verb", [], ["clusters"] },
        { "bad --output", [], ["cluster", "list", "--output", "xml"] },
        { "create without name", [], ["cluster", "create"] },
        { "bad signing algorithm", [], ["cluster", "create", "x", "--signing-algorithm", "HS256"] },
        { "bad cluster name", [], ["cluster", "create", "no spaces allowed"] },
        { "describe unknown", [], ["cluster", "describe", "nope"] },
        { "delete unknown", [], ["cluster", "delete", "nope"] },
        { "rotate unknown", [], ["cluster", "rotate-keys", "nope"] },
        { "kubeconfig without cluster", [], ["kubeconfig"] },
        { "kubeconfig unknown", [], ["kubeconfig", "--cluster", "nope"] },
        { "associate unknown", [], ["iam", "associate-oidc-provider", "--cluster", "nope"] },
        { "service account without permissions", [], ["iam", "create-service-account", "--cluster", "bad-inputs", "--name", "a", "--role-name", "r"] },
        { "policy file missing", [], ["iam", "create-service-account", "--cluster", "bad-inputs", "--name", "a", "--role-name", "r", "--policy-file", "/nonexistent.json"] },
        { "policy file is a folder", [], ["iam", "create-service-account", "--cluster", "bad-inputs", "--name", "a", "--role-name", "r", "--policy-file", "{home}"] },
        { "policy file not JSON", [], ["iam", "create-service-account", "--cluster", "bad-inputs", "--name", "a", "--role-name", "r", "--policy-file", "{not-json}"] },
        { "pod run without command", [], ["pod", "run", "--cluster", "bad-inputs", "--service-account", "default"] },
        { "pod run unknown cluster", [], ["pod", "run", "--cluster", "nope", "--service-account", "default", "--", "true"] },
        { "pod run bad --env", [], ["pod", "run", "--cluster", "bad-inputs", "--service-account", "default", "--env", "NOEQUALS", "--", "true"] },
        { "pod run missing command", [], ["pod", "run", "--cluster", "bad-inputs", "--service-account", "default", "--", "/nonexistent/command"] },
        { "pod run bad --agent-address", [], ["pod", "run", "--cluster", "bad-inputs", "--service-account", "default", "--agent-address", "nowhere", "--", "true"] },
        { "pod run link-local missing command", [], ["pod", "run", "--cluster", "bad-inputs", "--service-account", "default", "--agent-address", "link-local", "--", "no-such-command"] },
        { "env without data", [], ["env", "--data", "/nonexistent/irsa"] },
        { "up unwritable data", [], ["up", "--data", "/proc/irsa", "--listen", "http://127.0.0.1:0"] },
        { "up non-URL listener", [], ["up", "--data", "{scratch}", "--listen", "not-a-url"] },
        { "up missing certificate", [], ["up", "--data", "{scratch}", "--listen", "https://127.0.0.1:0", "--tls-cert-file", "/nonexistent.crt", "--tls-key-file", "/nonexistent.key"] },
        { "up non-number", [], ["up", "--data", "{scratch}", "--max-token-expiration-seconds", "soon"] },
        { "up negative audit sync", [], ["up", "--data", "{scratch}", "--listen", "http://127.0.0.1:0", "--audit-sync-ms", "-5"] },
        { "webhook bad duration", [], ["webhook", "serve", "--service-account-lookup-grace-period", "soon"] },
        { "webhook bad TLS version", [], ["webhook", "serve", "--tls-min-version", "9"] },
        { "webhook missing certificate", [], ["webhook", "serve", "--port", "0", "--metrics-port", "0", "--tls-cert-file", "/nonexistent.crt", "--tls-key-file", "/nonexistent.key", "--kubeconfig", "{not-json}"] },
        { "webhook bad port", [], ["webhook", "serve", "--port", "-5", "--metrics-port", "0", "--kubeconfig", "{not-json}"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_one_line_and_a_non_zero_exit(string name, string[] environment, string[] arguments)
    {
        var env = server.Irsa.AdminEnvironment;
        foreach (var assignment in environment)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            env[assignment[..equals]] = server.Expand(assignment[(equals + 1)..]);
        }

        var result = await Tool.RunAsync(Path.Combine(Tool.RepositoryRoot, "irsa"), arguments.Select(server.Expand), env, workingDirectory: server.Irsa.Home.FullName);

        Assert.True(result.ExitCode != 0, $"{name}: {result}");
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("irsa: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A running Irsa with cluster <c>bad-inputs</c> and its OIDC provider, and the hostile files the cases name.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public IrsaProcess Irsa { get; } = new();

        private string Scratch => Path.Combine(Irsa.Home.FullName, "scratch");

        public string Expand(string value) => value
            .Replace("{endpoint}", Irsa.Endpoint, StringComparison.Ordinal)
            .Replace("{home}", Irsa.Home.FullName, StringComparison.Ordinal)
            .Replace("{not-json}", Path.Combine(Irsa.Home.FullName, "not-json.txt"), StringComparison.Ordinal)
            .Replace("{garbage-data}", Path.Combine(Irsa.Home.FullName, "garbage-data"), StringComparison.Ordinal)
            .Replace("{scratch}", Scratch, StringComparison.Ordinal);

        public async Task InitializeAsync()
        {
            await Irsa.InitializeAsync();
            await File.WriteAllTextAsync(Path.Combine(Irsa.Home.FullName, "not-json.txt"), "this is { not JSON, nor PEM, nor YAML: [");
            Directory.CreateDirectory(Path.Combine(Irsa.Home.FullName, "garbage-data"));
            await File.WriteAllTextAsync(Path.Combine(Irsa.Home.FullName, "garbage-data", "endpoint"), "\u0001garbage\u0002");
            await File.AppendAllTextAsync(Path.Combine(Irsa.DataDirectory, "config"), "\n[profile keyless]\nregion = us-east-1\n");
            Assert.Equal(0, (await Irsa.IrsaAsync("cluster", "create", "bad-inputs")).ExitCode);
            Assert.Equal(0, (await Irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "bad-inputs")).ExitCode);
        }

        public Task DisposeAsync() => Irsa.DisposeAsync();
    }
}
