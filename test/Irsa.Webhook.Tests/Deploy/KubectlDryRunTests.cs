using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Irsa.Webhook.Tests.Conformance;

namespace Irsa.Webhook.Tests.Deploy;

/// <summary>
/// <c>kubectl apply --dry-run=client -f deploy/webhook/</c>, as the README tells operators to run it. kubectl needs an
/// API server for its kind lookups even in client mode, so the test serves discovery for exactly the built-in
/// kinds the manifests use (real groups, versions and scopes) and answers 404 to every object read; kubectl then
/// parses every document, maps each kind and prints what it would create.
/// </summary>
/// <remarks>
/// Schema validation (<c>--validate=true</c>) would need the real OpenAPI documents; <see cref="ManifestTests"/> covers
/// field-level correctness by loading every manifest strictly into the typed Kubernetes models.
/// </remarks>
public sealed class KubectlDryRunTests
{
    private static readonly (string Group, string Resource, string Kind, bool Namespaced)[] BuiltInKinds =
    [
        ("", "namespaces", "Namespace", false),
        ("", "serviceaccounts", "ServiceAccount", true),
        ("", "services", "Service", true),
        ("", "configmaps", "ConfigMap", true),
        ("apps", "deployments", "Deployment", true),
        ("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", false),
        ("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
    ];

    [Fact]
    public async Task Kubectl_client_dry_run_accepts_every_manifest()
    {
        using var server = DiscoveryStub.Start(BuiltInKinds);
        var result = await RunAsync("kubectl", "apply", "--dry-run=client", "--validate=false", "--server", server.Url,
            "-f", Path.Combine(ConformancePaths.RepositoryRoot, "deploy", "webhook"));

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var expected in new[]
        {
            "namespace/irsa-webhook created (dry run)",
            "serviceaccount/irsa-webhook created (dry run)",
            "clusterrole.rbac.authorization.k8s.io/irsa-webhook created (dry run)",
            "clusterrolebinding.rbac.authorization.k8s.io/irsa-webhook created (dry run)",
            "deployment.apps/irsa-webhook created (dry run)",
            "service/irsa-webhook created (dry run)",
            "mutatingwebhookconfiguration.admissionregistration.k8s.io/irsa-webhook created (dry run)",
        })
        {
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No kubeconfig of the machine may leak in: --server is the whole configuration.
        start.Environment["KUBECONFIG"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Answers Kubernetes discovery for the given kinds on a loopback port; every other GET is a 404 Status.</summary>
    private sealed class DiscoveryStub : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly Dictionary<string, string> _documents;

        private DiscoveryStub(HttpListener listener, string url, Dictionary<string, string> documents)
        {
            _listener = listener;
            Url = url;
            _documents = documents;
            _ = ServeAsync();
        }

        public string Url { get; }

        public static DiscoveryStub Start((string Group, string Resource, string Kind, bool Namespaced)[] kinds)
        {
            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            var listener = new HttpListener();
            listener.Prefixes.Add(url + "/");
            listener.Start();
            return new DiscoveryStub(listener, url, Documents(kinds));
        }

        public void Dispose() => _listener.Close();

        private static Dictionary<string, string> Documents((string Group, string Resource, string Kind, bool Namespaced)[] kinds)
        {
            var groups = kinds.Where(k => k.Group.Length > 0).Select(k => k.Group).Distinct().ToList();
            var documents = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["/version"] = """{"major":"1","minor":"32","gitVersion":"v1.32.0"}""",
                ["/api"] = """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""",
                ["/apis"] = new JsonObject
                {
                    ["kind"] = "APIGroupList",
                    ["apiVersion"] = "v1",
                    ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject
                    {
                        ["name"] = g,
                        ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = g + "/v1", ["version"] = "v1" }),
                        ["preferredVersion"] = new JsonObject { ["groupVersion"] = g + "/v1", ["version"] = "v1" },
                    })]),
                }.ToJsonString(),
            };
            foreach (var group in kinds.GroupBy(k => k.Group))
            {
                var groupVersion = group.Key.Length == 0 ? "v1" : group.Key + "/v1";
                documents[group.Key.Length == 0 ? "/api/v1" : "/apis/" + groupVersion] = new JsonObject
                {
                    ["kind"] = "APIResourceList",
                    ["groupVersion"] = groupVersion,
                    ["resources"] = new JsonArray([.. group.Select(k => (JsonNode)new JsonObject
                    {
                        ["name"] = k.Resource,
                        ["singularName"] = "",
                        ["namespaced"] = k.Namespaced,
                        ["kind"] = k.Kind,
                        ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update"),
                    })]),
                }.ToJsonString();
            }

            return documents;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var found = _documents.TryGetValue(context.Request.Url!.AbsolutePath, out var document);
                var body = Encoding.UTF8.GetBytes(found ? document! : """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}""");
                context.Response.StatusCode = found ? 200 : 404;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
