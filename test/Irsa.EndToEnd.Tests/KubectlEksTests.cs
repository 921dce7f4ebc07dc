using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// <c>aws eks update-kubeconfig</c> and kubectl 1.32, both unmodified, against an Irsa cluster: HTTPS with the published CA,
/// <c>aws eks get-token</c> as the exec credential, access entries deciding what each IAM identity may do.
/// </summary>
public sealed class KubectlEksTests(IrsaProcess irsa) : IClassFixture<IrsaProcess>
{
    [Fact]
    public async Task Admin_drives_the_readme_demo_with_kubectl_and_a_view_role_only_reads()
    {
        var account = JsonNode.Parse((await Ok(irsa.AwsAsync("sts", "get-caller-identity"))).StandardOutput)!["Account"]!.GetValue<string>();
        await Ok(irsa.AwsAsync("eks", "create-cluster", "--name", "kdemo", "--role-arn", $"arn:aws:iam::{account}:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"));

        // The unmodified CLI writes the kubeconfig: HTTPS server, the published CA, exec `aws eks get-token`.
        var adminConfig = Path.Combine(irsa.Home.FullName, "admin.kubeconfig");
        await Ok(irsa.AwsAsync("eks", "update-kubeconfig", "--name", "kdemo", "--kubeconfig", adminConfig));
        var written = await File.ReadAllTextAsync(adminConfig);
        Assert.Contains("server: https://127.0.0.1:", written, StringComparison.Ordinal);
        Assert.Contains("certificate-authority-data: ", written, StringComparison.Ordinal);
        Assert.Contains("- get-token", written, StringComparison.Ordinal);

        // The README demo through kubectl, as the cluster's creator (cluster admin through the bootstrap access entry).
        var manifest = Path.Combine(irsa.Home.FullName, "pod.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              serviceAccountName: writer
              nodeName: node-1
              containers:
              - name: app
                image: busybox
            """);
        var serviceAccount = Path.Combine(irsa.Home.FullName, "sa.yaml");
        await File.WriteAllTextAsync(serviceAccount, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: writer\n");
        var intruder = Path.Combine(irsa.Home.FullName, "intruder.yaml");
        await File.WriteAllTextAsync(intruder, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: intruder\n");
        await Ok(Kubectl(adminConfig, "apply", "--validate=false", "-f", serviceAccount));
        await Ok(Kubectl(adminConfig, "annotate", "serviceaccount", "writer", $"eks.amazonaws.com/role-arn=arn:aws:iam::{account}:role/writer"));
        await Ok(Kubectl(adminConfig, "apply", "--validate=false", "-f", manifest));
        var pod = await Ok(Kubectl(adminConfig, "get", "pod", "app", "-o", "yaml"));
        Assert.Contains("AWS_ROLE_ARN", pod.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"arn:aws:iam::{account}:role/writer", pod.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", pod.StandardOutput, StringComparison.Ordinal);

        // A role with the View access policy: its pods' identity runs update-kubeconfig and kubectl itself.
        var policy = Path.Combine(irsa.Home.FullName, "describe.json");
        await File.WriteAllTextAsync(policy, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}""");
        await Ok(irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "kdemo"));
        await Ok(irsa.IrsaAsync("iam", "create-service-account", "--cluster", "kdemo", "--name", "viewer", "--role-name", "viewer", "--policy-file", policy));
        var viewerRole = $"arn:aws:iam::{account}:role/viewer";
        await Ok(irsa.AwsAsync("eks", "create-access-entry", "--cluster-name", "kdemo", "--principal-arn", viewerRole));
        await Ok(irsa.AwsAsync("eks", "associate-access-policy", "--cluster-name", "kdemo", "--principal-arn", viewerRole,
            "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "--access-scope", "type=cluster"));

        var viewerConfig = Path.Combine(irsa.Home.FullName, "viewer.kubeconfig");
        await Ok(AsViewer(viewerConfig, "aws", "eks", "update-kubeconfig", "--name", "kdemo", "--kubeconfig", viewerConfig));
        var listed = await Ok(AsViewer(viewerConfig, "kubectl", "get", "pods", "-o", "name"));
        Assert.Contains("pod/app", listed.StandardOutput, StringComparison.Ordinal);
        var write = await AsViewer(viewerConfig, "kubectl", "apply", "--validate=false", "-f", intruder);
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Forbidden", write.StandardError, StringComparison.Ordinal);
        Assert.Contains($"User \"arn:aws:sts::{account}:assumed-role/viewer/", write.StandardError, StringComparison.Ordinal);

        // An identity without an access entry is not logged in.
        await Ok(irsa.AwsAsync("eks", "delete-access-entry", "--cluster-name", "kdemo", "--principal-arn", viewerRole));
        var refused = await AsViewer(viewerConfig, "kubectl", "get", "pods");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("You must be logged in to the server (Unauthorized)", refused.StandardError, StringComparison.Ordinal);
    }

    /// <summary>kubectl as the admin of <c>irsa env</c> (the exec plugin inherits the profile), with a fresh discovery cache.</summary>
    private Task<ToolResult> Kubectl(string kubeconfig, params string[] arguments)
    {
        var environment = irsa.AdminEnvironment;
        environment["KUBECONFIG"] = kubeconfig;
        environment["KUBECACHEDIR"] = Path.Combine(irsa.Home.FullName, "kube-cache-admin");
        return Tool.RunAsync("kubectl", arguments, environment);
    }

    /// <summary>A command run as a pod of the <c>viewer</c> service account: its web identity is the only credential.</summary>
    private Task<ToolResult> AsViewer(string kubeconfig, params string[] command) =>
        irsa.IrsaAsync(["pod", "run", "--cluster", "kdemo", "--service-account", "viewer", "--env", "KUBECONFIG=" + kubeconfig,
            "--env", "KUBECACHEDIR=" + Path.Combine(irsa.Home.FullName, "kube-cache-viewer"), "--", .. command]);

    private static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
