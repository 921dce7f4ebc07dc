using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// EKS Pod Identity as a user sets it up: a role that trusts <c>pods.eks.amazonaws.com</c>, associations made with the AWS
/// CLI in two clusters (no OIDC provider anywhere), and unmodified clients inside <c>irsa pod run</c> getting credentials
/// through the container credentials provider from the loopback agent.
/// </summary>
public sealed class PodIdentityDemo : IAsyncLifetime
{
    public IrsaProcess Irsa { get; } = new();

    public async Task InitializeAsync()
    {
        await Irsa.InitializeAsync();
        await Ok(Irsa.IrsaAsync("cluster", "create", "demo"));
        await Ok(Irsa.IrsaAsync("cluster", "create", "second"));
        await Ok(Irsa.AwsAsync("iam", "create-role", "--role-name", "pi-app", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"""));

        // One namespace may list the bucket, by the session tag EKS Pod Identity adds; others may not.
        await Ok(Irsa.AwsAsync("iam", "put-role-policy", "--role-name", "pi-app", "--policy-name", "by-namespace", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::pi-bucket","Condition":{"StringEquals":{"aws:PrincipalTag/kubernetes-namespace":"default"}}}]}"""));
        await Ok(Irsa.AwsAsync("s3", "mb", "s3://pi-bucket"));

        var roleArn = JsonNode.Parse((await Ok(Irsa.AwsAsync("iam", "get-role", "--role-name", "pi-app", "--output", "json"))).StandardOutput)!["Role"]!["Arn"]!.GetValue<string>();
        foreach (var (cluster, ns) in new[] { ("demo", "default"), ("demo", "other"), ("second", "default") })
        {
            using var kube = await KubeApi.FromKubeconfigAsync(Irsa, cluster);
            if (ns != "default")
            {
                var (created, body) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces",
                    new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
                Assert.True(created == 201, body.ToJsonString());
            }

            var (status, account) = await kube.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts",
                new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "app" } });
            Assert.True(status == 201, account.ToJsonString());
            await Ok(Irsa.AwsAsync("eks", "create-pod-identity-association", "--cluster-name", cluster, "--namespace", ns,
                "--service-account", "app", "--role-arn", roleArn));
        }
    }

    public Task DisposeAsync() => Irsa.DisposeAsync();

    public Task<ToolResult> PodRunAsync(string cluster, string ns, params string[] command) =>
        Irsa.IrsaAsync(["pod", "run", "--cluster", cluster, "--namespace", ns, "--service-account", "app", "--", .. command]);

    public static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

public sealed class PodIdentityTests(PodIdentityDemo demo) : IClassFixture<PodIdentityDemo>
{
    private static string Arn(ToolResult result) => JsonNode.Parse(result.StandardOutput)!["Arn"]!.GetValue<string>();

    [Fact]
    public async Task Aws_cli_in_a_pod_gets_the_associated_role_through_the_container_provider()
    {
        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws sts get-caller-identity"));

        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", Arn(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boto3_default_chain_in_a_pod_gets_the_associated_role()
    {
        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "python3", Path.Combine(Tool.RepositoryRoot, "test/clients/python/caller_identity.py")));

        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", Arn(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Javascript_sdk_default_chain_in_a_pod_gets_the_associated_role()
    {
        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "node", Path.Combine(Tool.RepositoryRoot, "test/clients/js/caller-identity.mjs")));

        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", Arn(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_sdk_default_chain_in_a_pod_gets_the_associated_role_and_the_trail_names_the_pod()
    {
        // A fresh .NET process inside the pod, as an application starts: the SDK's default chain finds no keys, no profile
        // and no web identity, and uses the container provider with the pod's token file.
        var script = Path.Combine(demo.Irsa.Home.FullName, "pod-whoami.fsx");
        await File.WriteAllTextAsync(script, $$"""
            #r @"{{typeof(Amazon.Runtime.AWSCredentials).Assembly.Location}}"
            #r @"{{typeof(Amazon.SecurityToken.AmazonSecurityTokenServiceClient).Assembly.Location}}"
            let sts = new Amazon.SecurityToken.AmazonSecurityTokenServiceClient()
            let identity = sts.GetCallerIdentityAsync(Amazon.SecurityToken.Model.GetCallerIdentityRequest()).Result
            let credentials = Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials()
            printfn "%s %s %s" identity.Arn (credentials.GetType().Name) (credentials.GetCredentials().AccessKey)
            """);

        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "dotnet", "fsi", "--quiet", script));
        var words = result.StandardOutput.Trim().Split(' ');

        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", words[0], StringComparison.Ordinal);
        Assert.Equal("GenericContainerCredentials", words[1]);
        var calls = await PodIdentityDemo.Ok(demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes",
            $"AttributeKey=AccessKeyId,AttributeValue={words[2]}", "--output", "json"));
        var call = Records(calls).Single(r => r["eventName"]!.GetValue<string>() == "GetCallerIdentity");
        var podName = call["additionalEventData"]!["kubernetes"]!["podName"]!.GetValue<string>();
        Assert.StartsWith("app-", podName, StringComparison.Ordinal);
        var issues = await PodIdentityDemo.Ok(demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes",
            "AttributeKey=EventName,AttributeValue=AssumeRoleForPodIdentity", "--output", "json"));
        var issue = Records(issues).Single(r => r["responseElements"]?["credentials"]?["accessKeyId"]?.GetValue<string>() == words[2]);
        var tags = issue["additionalEventData"]!["sessionTags"]!;
        Assert.Equal(podName, tags["kubernetes-pod-name"]!.GetValue<string>());
        Assert.Equal("default", tags["kubernetes-namespace"]!.GetValue<string>());
        Assert.Equal("app", tags["kubernetes-service-account"]!.GetValue<string>());
        Assert.Equal(podName, issue["additionalEventData"]!["kubernetes"]!["podName"]!.GetValue<string>());
    }

    [Fact]
    public async Task One_role_serves_two_clusters_without_any_OIDC_provider()
    {
        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("second", "default", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws sts get-caller-identity"));
        var providers = await PodIdentityDemo.Ok(demo.Irsa.AwsAsync("iam", "list-open-id-connect-providers", "--output", "json"));

        Assert.Contains(":assumed-role/pi-app/eks-second-app-", Arn(result), StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(providers.StandardOutput)!["OpenIDConnectProviderList"]!.AsArray());
    }

    [Fact]
    public async Task A_namespace_session_tag_condition_allows_one_namespace_and_denies_another()
    {
        var allowed = await demo.PodRunAsync("demo", "default", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws s3 ls s3://pi-bucket");
        var denied = await demo.PodRunAsync("demo", "other", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws s3 ls s3://pi-bucket");

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("AccessDenied", denied.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pod_sees_a_loopback_agent_and_its_token_file_only_and_a_forged_token_gets_nothing()
    {
        const string Script = """
            import json, os, stat, urllib.request, urllib.error
            uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            token_file = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
            def ask(token):
                try:
                    with urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": token})) as r:
                        return r.status, r.read().decode()
                except urllib.error.HTTPError as e:
                    return e.code, e.read().decode()
            forged = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJwb2RzLmVrcy5hbWF6b25hd3MuY29tIn0.c2ln"
            volumes = os.path.realpath(token_file)
            while not os.path.basename(volumes).startswith("irsa-pod-"):
                volumes = os.path.dirname(volumes)
            print(json.dumps({"uri": uri, "mode": stat.S_IMODE(os.stat(volumes).st_mode),
                "forged": ask(forged), "real": ask(open(token_file).read())[0],
                "keys": sorted(k for k in os.environ if k.startswith("AWS_ACCESS") or k.startswith("AWS_SECRET"))}))
            """;
        var result = await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "python3", "-c", Script));
        var report = JsonNode.Parse(result.StandardOutput)!;

        Assert.StartsWith("http://127.0.0.1:", report["uri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, report["mode"]!.GetValue<int>() & 0b000_000_111); // the pod's volumes: no access for other users
        Assert.Equal(400, report["forged"]![0]!.GetValue<int>());
        Assert.Contains("InvalidTokenException", report["forged"]![1]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, report["real"]!.GetValue<int>());
        Assert.Empty(report["keys"]!.AsArray());
    }

    [RootFact]
    public async Task Another_local_user_cannot_read_the_pods_token_and_gets_nothing_from_its_agent()
    {
        // A genuine Pod Identity token, but of another cluster's service account: what a neighbour could obtain elsewhere.
        using var second = await KubeApi.FromKubeconfigAsync(demo.Irsa, "second");
        var (issued, review) = await second.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/app/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray("pods.eks.amazonaws.com") },
        });
        Assert.True(issued == 201, review.ToJsonString());
        const string Script = """
            import json, os, sys, urllib.request, urllib.error
            uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
            def ask(headers):
                try:
                    with urllib.request.urlopen(urllib.request.Request(uri, headers=headers)) as r:
                        return [r.status, r.read().decode()]
                except urllib.error.HTTPError as e:
                    return [e.code, e.read().decode()]
            try:
                token = open(os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read()
            except PermissionError:
                token = None
            forged = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJwb2RzLmVrcy5hbWF6b25hd3MuY29tIn0.c2ln"
            print(json.dumps({"uid": os.getuid(), "read": token is not None, "own": ask({"Authorization": token})[0] if token else None,
                "none": ask({}), "forged": ask({"Authorization": forged}), "foreign": ask({"Authorization": os.environ["FOREIGN_TOKEN"]})}))
            """;

        // The pod's user, then nobody, run the same probe against the pod's loopback agent.
        var result = await PodIdentityDemo.Ok(demo.Irsa.IrsaAsync("pod", "run", "--cluster", "demo", "--service-account", "app",
            "--env", "FOREIGN_TOKEN=" + review["status"]!["token"]!.GetValue<string>(), "--", "sh", "-c",
            "/usr/bin/python3 -c \"$0\" && cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c \"$0\"", Script));
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

        var (owner, other) = (lines[0], lines[1]);
        Assert.True(owner["read"]!.GetValue<bool>());
        Assert.Equal(200, owner["own"]!.GetValue<int>());
        Assert.Equal(65534, other["uid"]!.GetValue<int>());
        Assert.False(other["read"]!.GetValue<bool>());
        Assert.Equal("[400,\"Service account token cannot be empty\"]", other["none"]!.ToJsonString());
        foreach (var refused in new[] { other["forged"]!, other["foreign"]! })
        {
            Assert.Equal(400, refused[0]!.GetValue<int>());
            Assert.Contains("(InvalidTokenException)", refused[1]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("AccessKeyId", lines[1].ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ASIA", lines[1].ToJsonString(), StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Aws_cli_and_boto3_get_credentials_from_169_254_170_23_in_the_pods_own_network_namespace()
    {
        var script = $"""
            export HOME="$(mktemp -d)"
            echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"
            readlink /proc/self/ns/net
            ip -o address show dev lo | grep -c -e '169.254.170.23/32' -e 'fd00:ec2::23/128'
            aws sts get-caller-identity --output json | tr -d '\n'; echo
            python3 {Path.Combine(Tool.RepositoryRoot, "test/clients/python/caller_identity.py")}
            """;
        var result = await PodIdentityDemo.Ok(demo.Irsa.IrsaAsync("pod", "run", "--cluster", "demo", "--service-account", "app",
            "--agent-address", "link-local", "--", "sh", "-c", script));
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The pod sees exactly what a pod on an EKS node sees, in a network of its own.
        Assert.Equal("http://169.254.170.23/v1/credentials", lines[0]);
        var podNetwork = lines[1];
        Assert.StartsWith("net:[", podNetwork, StringComparison.Ordinal);
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, podNetwork);
        Assert.Equal("2", lines[2]);
        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", JsonNode.Parse(lines[3])!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(":assumed-role/pi-app/eks-demo-app-", JsonNode.Parse(lines[4])!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);

        // Afterwards the host's network has no such address and nothing is left in the pod's namespace.
        var host = await PodIdentityDemo.Ok(Tool.RunAsync("ip", ["-o", "address"], new Dictionary<string, string?>()));
        Assert.DoesNotContain("169.254.170.23", host.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(podNetwork, NetworkNamespacesInUse());
    }

    [Fact]
    public async Task The_trail_records_the_pod_and_its_session_tags()
    {
        await PodIdentityDemo.Ok(demo.PodRunAsync("demo", "default", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws sts get-caller-identity"));
        var lookup = await PodIdentityDemo.Ok(demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes",
            "AttributeKey=EventName,AttributeValue=AssumeRoleForPodIdentity", "--output", "json"));

        var record = JsonNode.Parse(JsonNode.Parse(lookup.StandardOutput)!["Events"]![0]!["CloudTrailEvent"]!.GetValue<string>())!;
        var tags = record["additionalEventData"]!["sessionTags"]!;
        Assert.Equal("app", tags["kubernetes-service-account"]!.GetValue<string>());
        Assert.StartsWith("app-", tags["kubernetes-pod-name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("app-", record["additionalEventData"]!["kubernetes"]!["podName"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> Records(ToolResult lookup) => JsonNode.Parse(lookup.StandardOutput)!["Events"]!.AsArray()
        .Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!);

    /// <summary>The network namespace of every thread on the machine (threads may end while they are read).</summary>
    private static HashSet<string> NetworkNamespacesInUse()
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories("/proc").Where(p => int.TryParse(Path.GetFileName(p), out _)))
        {
            try
            {
                foreach (var thread in Directory.EnumerateDirectories(Path.Combine(task, "task")))
                {
                    if (new FileInfo(Path.Combine(thread, "ns", "net")).LinkTarget is { } target)
                    {
                        found.Add(target);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile.
            }
        }

        return found;
    }
}
