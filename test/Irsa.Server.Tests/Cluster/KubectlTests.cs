using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Cluster;

/// <summary>One HTTPS server with one cluster, driven by the real kubectl 1.32 through a kubeconfig with the admin token.</summary>
public sealed class KubectlCluster : IAsyncLifetime
{
    private DirectoryInfo? _home;

    public KubeCluster Kube { get; private set; } = null!;

    public string Kubeconfig => Path.Combine(_home!.FullName, "kubeconfig");

    public async Task InitializeAsync()
    {
        Kube = await KubeCluster.StartAsync(o => new IrsaServerOptions { DataDirectory = o.DataDirectory, ListenUrls = ["https://127.0.0.1:0"] });
        _home = Directory.CreateTempSubdirectory("irsa-kubectl-");
        await File.WriteAllTextAsync(Kubeconfig, KubeconfigFor(Kube.AdminToken));
    }

    /// <summary>A kubeconfig for the cluster's HTTPS endpoint (trusting the server's local CA) with <paramref name="token"/>.</summary>
    public string KubeconfigFor(string token) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: demo
          cluster:
            server: {Kube.Endpoint}
            certificate-authority: {Path.Combine(Kube.Server.DataDirectory.FullName, "ca.pem")}
        users:
        - name: demo
          user:
            token: {token}
        contexts:
        - name: demo
          context:
            cluster: demo
            user: demo
            namespace: default
        current-context: demo
        """;

    /// <summary>Runs kubectl with this cluster's kubeconfig and a fresh discovery cache; <paramref name="input"/> goes to stdin.</summary>
    public Task<(int Code, string Output, string Error)> RunWithInputAsync(string input, params string[] arguments) =>
        RunWithAsync(Kubeconfig, input, arguments);

    public Task<(int Code, string Output, string Error)> RunAsync(params string[] arguments) => RunWithAsync(Kubeconfig, null, arguments);

    public async Task<(int Code, string Output, string Error)> RunWithAsync(string kubeconfig, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["KUBECACHEDIR"] = Directory.CreateDirectory(Path.Combine(_home!.FullName, "cache-" + Guid.NewGuid().ToString("N"))).FullName;
        start.Environment["HOME"] = _home.FullName;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts kubectl and returns the running process (for <c>get -w</c>), stdout and stderr redirected.</summary>
    public Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBECONFIG"] = Kubeconfig;
        start.Environment["KUBECACHEDIR"] = Directory.CreateDirectory(Path.Combine(_home!.FullName, "cache-" + Guid.NewGuid().ToString("N"))).FullName;
        start.Environment["HOME"] = _home.FullName;
        return Process.Start(start)!;
    }

    public async Task DisposeAsync()
    {
        await Kube.DisposeAsync();
        _home?.Delete(recursive: true);
    }
}

/// <summary>kubectl 1.32, unmodified, against a cluster's Kubernetes API over HTTPS.</summary>
public sealed class KubectlTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private static void Succeeded((int Code, string Output, string Error) result) => Assert.True(result.Code == 0, result.Output + result.Error);

    [Fact]
    public async Task Get_namespaces_prints_the_servers_table()
    {
        var result = await cluster.RunAsync("get", "namespaces");

        Succeeded(result);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+STATUS\s+AGE$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains("Active", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("kube-system ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_resources_lists_the_served_resources_with_short_names()
    {
        var result = await cluster.RunAsync("api-resources");

        Succeeded(result);
        Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod$", result.Output);
        Assert.Matches(@"(?m)^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$", result.Output);
        Assert.Matches(@"(?m)^clusterroles\s+rbac.authorization.k8s.io/v1\s+false\s+ClusterRole$", result.Output);
        Assert.Matches(@"(?m)^selfsubjectaccessreviews\s+authorization.k8s.io/v1\s+false\s+SelfSubjectAccessReview$", result.Output);
    }

    [Fact]
    public async Task Create_annotate_label_get_yaml_and_delete_a_service_account()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "sa-flow"));
        Succeeded(await cluster.RunAsync("-n", "sa-flow", "create", "serviceaccount", "app"));
        Succeeded(await cluster.RunAsync("-n", "sa-flow", "annotate", "sa", "app", "eks.amazonaws.com/role-arn=arn:aws:iam::111122223333:role/app"));
        Succeeded(await cluster.RunAsync("-n", "sa-flow", "label", "sa", "app", "team=blue"));

        var yaml = await cluster.RunAsync("-n", "sa-flow", "get", "sa", "app", "-o", "yaml");
        var byLabel = await cluster.RunAsync("-n", "sa-flow", "get", "sa", "-l", "team=blue", "-o", "name");
        var notLabel = await cluster.RunAsync("-n", "sa-flow", "get", "sa", "-l", "team!=blue", "-o", "name");
        var deleted = await cluster.RunAsync("-n", "sa-flow", "delete", "sa", "app");
        var gone = await cluster.RunAsync("-n", "sa-flow", "get", "sa", "app");

        Succeeded(yaml);
        Assert.Contains("eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app", yaml.Output, StringComparison.Ordinal);
        Assert.Contains("team: blue", yaml.Output, StringComparison.Ordinal);
        Assert.Equal("serviceaccount/app\n", byLabel.Output);
        Assert.Equal("serviceaccount/default\n", notLabel.Output);
        Assert.Equal("serviceaccount \"app\" deleted\n", deleted.Output);
        Assert.Equal(1, gone.Code);
        Assert.Equal("Error from server (NotFound): serviceaccounts \"app\" not found\n", gone.Error);
    }

    [Fact]
    public async Task Apply_creates_then_patches_with_the_last_applied_configuration()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "apply-flow"));
        const string Manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: apply-flow
              labels:
                app: web
            spec:
              containers:
              - name: app
                image: busybox
            """;

        var created = await cluster.RunWithInputAsync(Manifest, "apply", "-f", "-");
        var again = await cluster.RunWithInputAsync(Manifest.Replace("app: web", "app: web2", StringComparison.Ordinal), "apply", "-f", "-");
        var json = await cluster.RunAsync("-n", "apply-flow", "get", "pod", "web", "-o", "json");

        Assert.True(created.Code == 0, created.Error);
        Assert.Equal("pod/web created\n", created.Output);
        Assert.True(again.Code == 0, again.Error);
        Assert.Equal("pod/web configured\n", again.Output);
        var pod = JsonNode.Parse(json.Output)!;
        Assert.Equal("web2", pod["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Contains("\"app\":\"web2\"", pod["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_validates_strictly_on_the_server_by_default()
    {
        const string Manifest = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: strict
              namespace: default
            color: blue
            """;

        var result = await cluster.RunWithInputAsync(Manifest, "apply", "-f", "-");
        var absent = await cluster.RunAsync("get", "sa", "strict");

        Assert.Equal(1, result.Code);
        Assert.Equal("Error from server (BadRequest): error when creating \"STDIN\": ServiceAccount in version \"v1\" cannot be handled as a ServiceAccount: strict decoding error: unknown field \"color\"\n",
            result.Error);
        Assert.Equal(1, absent.Code);
    }

    [Fact]
    public async Task Run_describe_wide_output_json_patch_and_field_selectors_on_pods()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "pod-flow"));
        var run = await cluster.RunAsync("-n", "pod-flow", "run", "shell", "--image=busybox", "--labels=tier=debug");
        var wide = await cluster.RunAsync("-n", "pod-flow", "get", "pods", "-o", "wide");
        var patched = await cluster.RunAsync("-n", "pod-flow", "patch", "pod", "shell", "--type", "json",
            "-p", """[{"op":"test","path":"/metadata/labels/tier","value":"debug"},{"op":"add","path":"/metadata/labels/patched","value":"yes"}]""");
        var failedTest = await cluster.RunAsync("-n", "pod-flow", "patch", "pod", "shell", "--type", "json",
            "-p", """[{"op":"test","path":"/metadata/labels/tier","value":"prod"}]""");
        var bySelector = await cluster.RunAsync("-n", "pod-flow", "get", "pods", "--field-selector", "status.phase=Pending,spec.serviceAccountName=default", "-o", "name");
        var describe = await cluster.RunAsync("-n", "pod-flow", "describe", "pod", "shell");

        Assert.True(run.Code == 0, run.Error);
        Assert.Equal("pod/shell created\n", run.Output);
        Succeeded(wide);
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n", wide.Output);
        Assert.Matches(@"(?m)^shell\s+0/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$", wide.Output);
        Assert.True(patched.Code == 0, patched.Error);
        Assert.Equal(1, failedTest.Code);
        Assert.Equal("The request is invalid: : testing value /metadata/labels/tier failed: test failed\n", failedTest.Error);
        Assert.Equal("pod/shell\n", bySelector.Output);
        Assert.True(describe.Code == 0, describe.Error);
        Assert.Matches(@"(?m)^Name:\s+shell$", describe.Output);
        Assert.Matches(@"(?m)^Labels:\s+patched=yes$", describe.Output);
    }

    [Fact]
    public async Task An_annotation_added_with_kubectl_is_what_the_next_pods_admission_sees()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "irsa-flow"));
        Succeeded(await cluster.RunAsync("-n", "irsa-flow", "create", "serviceaccount", "s3-reader"));
        Succeeded(await cluster.RunAsync("-n", "irsa-flow", "annotate", "sa", "s3-reader", "eks.amazonaws.com/role-arn=arn:aws:iam::111122223333:role/s3-reader"));
        const string Manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
              namespace: irsa-flow
            spec:
              serviceAccountName: s3-reader
              containers:
              - name: app
                image: amazon/aws-cli
            """;

        Succeeded(await cluster.RunWithInputAsync(Manifest, "apply", "-f", "-"));
        var pod = await cluster.RunAsync("-n", "irsa-flow", "get", "pod", "app", "-o", "json");

        Succeeded(pod);
        var env = JsonNode.Parse(pod.Output)!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Contains(env, e => e!["name"]!.GetValue<string>() == "AWS_ROLE_ARN" && e["value"]!.GetValue<string>() == "arn:aws:iam::111122223333:role/s3-reader");
        Assert.Contains(env, e => e!["name"]!.GetValue<string>() == "AWS_WEB_IDENTITY_TOKEN_FILE");
    }

    [Fact]
    public async Task Create_token_prints_a_token_for_the_requested_audience_and_duration()
    {
        var result = await cluster.RunAsync("create", "token", "default", "--audience", "sts.amazonaws.com", "--duration", "1h");

        Succeeded(result);
        Assert.DoesNotContain("\n", result.Output, StringComparison.Ordinal);
        var payload = JsonNode.Parse(KubeCluster.Payload(result.Output))!;
        Assert.Equal("sts.amazonaws.com", payload["aud"]![0]!.GetValue<string>());
        Assert.Equal(3600, payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>());
        Assert.Equal("system:serviceaccount:default:default", payload["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auth_whoami_and_can_i_answer_from_the_authorizer()
    {
        var whoami = await cluster.RunAsync("auth", "whoami");
        var admin = await cluster.RunAsync("auth", "can-i", "create", "pods");

        Succeeded(whoami);
        Assert.Matches(@"(?m)^Username\s+system:serviceaccount:kube-system:irsa-admin$", whoami.Output);
        Succeeded(admin);
        Assert.Equal("yes\n", admin.Output);
    }

    [Fact]
    public async Task Rbac_bindings_grant_a_service_account_exactly_their_rules()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "rbac-flow"));
        Succeeded(await cluster.RunAsync("-n", "rbac-flow", "create", "serviceaccount", "reader"));
        Succeeded(await cluster.RunAsync("-n", "rbac-flow", "create", "rolebinding", "reader-view", "--clusterrole=view", "--serviceaccount=rbac-flow:reader"));
        var token = (await cluster.RunAsync("-n", "rbac-flow", "create", "token", "reader")).Output;
        var kubeconfig = Path.Combine(Path.GetDirectoryName(cluster.Kubeconfig)!, "reader");
        await File.WriteAllTextAsync(kubeconfig, cluster.KubeconfigFor(token));

        var list = await cluster.RunWithAsync(kubeconfig, null, "-n", "rbac-flow", "get", "pods");
        var create = await cluster.RunWithAsync(kubeconfig, null, "-n", "rbac-flow", "create", "serviceaccount", "other");
        var elsewhere = await cluster.RunWithAsync(kubeconfig, null, "-n", "default", "get", "pods");
        var canList = await cluster.RunWithAsync(kubeconfig, null, "-n", "rbac-flow", "auth", "can-i", "list", "pods");
        var canCreate = await cluster.RunWithAsync(kubeconfig, null, "-n", "rbac-flow", "auth", "can-i", "create", "pods");
        var rules = await cluster.RunWithAsync(kubeconfig, null, "-n", "rbac-flow", "auth", "can-i", "--list");
        var bindings = await cluster.RunAsync("-n", "rbac-flow", "get", "rolebindings", "-o", "wide");

        Assert.True(list.Code == 0, list.Error);
        Assert.Equal("No resources found in rbac-flow namespace.\n", list.Error);
        Assert.Equal(1, create.Code);
        Assert.Equal("error: failed to create serviceaccount: serviceaccounts is forbidden: User \"system:serviceaccount:rbac-flow:reader\" cannot create resource \"serviceaccounts\" in API group \"\" in the namespace \"rbac-flow\"\n",
            create.Error);
        Assert.Equal(1, elsewhere.Code);
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:rbac-flow:reader\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n",
            elsewhere.Error);
        Assert.Equal("yes\n", canList.Output);
        Assert.Equal(1, canCreate.Code);
        Assert.Equal("no\n", canCreate.Output);
        Assert.True(rules.Code == 0, rules.Error);
        Assert.Matches(@"(?m)^pods\s+\[\]\s+\[\]\s+\[get list watch\]$", rules.Output);
        Assert.Matches(@"(?m)^selfsubjectaccessreviews.authorization.k8s.io\s+\[\]\s+\[\]\s+\[create\]$", rules.Output);
        Assert.Matches(@"(?m)^reader-view\s+ClusterRole/view\s+\S+\s+rbac-flow/reader$", bindings.Output);
    }

    [Fact]
    public async Task Server_side_apply_is_refused_as_an_unsupported_patch_type_and_writes_nothing()
    {
        const string Manifest = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ssa\n  namespace: default\n";

        var applied = await cluster.RunWithInputAsync(Manifest, "apply", "--server-side", "-f", "-");
        var get = await cluster.RunAsync("get", "serviceaccount", "ssa");

        Assert.Equal(1, applied.Code);
        // kubectl recognises the 415 as a server without server-side apply; nothing is created.
        Assert.Equal("error: Server-side apply not available on the server: (the body of the request was in an unknown format - " +
            "accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json)\n", applied.Error);
        Assert.Equal(1, get.Code);
    }

    [Fact]
    public async Task Get_watch_streams_added_and_modified_events_until_killed()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "watch-flow"));
        using var watch = cluster.Start("-n", "watch-flow", "get", "sa", "-w", "--output-watch-events");
        var lines = new List<string>();
        var header = await watch.StandardOutput.ReadLineAsync();
        lines.Add(header!);
        lines.Add((await watch.StandardOutput.ReadLineAsync())!);
        Succeeded(await cluster.RunAsync("-n", "watch-flow", "create", "serviceaccount", "late"));
        lines.Add((await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!);
        Succeeded(await cluster.RunAsync("-n", "watch-flow", "label", "sa", "late", "x=y"));
        lines.Add((await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!);
        watch.Kill();

        Assert.Matches(@"^EVENT\s+NAME\s+SECRETS\s+AGE$", lines[0]);
        Assert.Matches(@"^ADDED\s+default\s+0\s+\S+$", lines[1]);
        Assert.Matches(@"^ADDED\s+late\s+0\s+\S+$", lines[2]);
        Assert.Matches(@"^MODIFIED\s+late\s+0\s+\S+$", lines[3]);
    }
}
