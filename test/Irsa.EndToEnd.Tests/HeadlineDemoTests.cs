using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The README's headline demo, run as a user runs it: <c>irsa up</c>, a cluster, its OIDC provider, a service account
/// with a role, and unmodified clients inside <c>irsa pod run</c> getting that role's credentials with no credentials
/// anywhere in their environment.
/// </summary>
public sealed class HeadlineDemo : IAsyncLifetime
{
    public IrsaProcess Irsa { get; } = new();

    public string ReaderRoleArn { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Irsa.InitializeAsync();
        await Ok(Irsa.IrsaAsync("cluster", "create", "demo"));
        await Ok(Irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "demo"));
        var policy = Path.Combine(Irsa.Home.FullName, "s3-read.json");
        await File.WriteAllTextAsync(policy, """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-bucket/*"},
              {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::demo-bucket"}]}
            """);
        var reader = await Ok(Irsa.IrsaAsync("iam", "create-service-account", "--cluster", "demo", "--name", "reader", "--role-name", "reader",
            "--policy-file", policy, "--output", "json"));
        ReaderRoleArn = JsonNode.Parse(reader.StandardOutput)!["RoleArn"]!.GetValue<string>();
        await Ok(Irsa.AwsAsync("s3", "mb", "s3://demo-bucket"));
        var hello = Path.Combine(Irsa.Home.FullName, "hello.txt");
        await File.WriteAllTextAsync(hello, "hello from S3\n");
        await Ok(Irsa.AwsAsync("s3", "cp", hello, "s3://demo-bucket/hello.txt"));
        await Ok(Irsa.IrsaAsync("iam", "create-service-account", "--cluster", "demo", "--name", "writer", "--role-name", "writer",
            "--policy-file", policy));

        // An attacker's service account that claims the reader's role: the trust policy pins reader's sub, so STS must refuse it.
        using var kube = await KubeApi.FromKubeconfigAsync(Irsa, "demo");
        var (status, body) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ServiceAccount",
            ["metadata"] = new JsonObject { ["name"] = "intruder", ["annotations"] = new JsonObject { ["eks.amazonaws.com/role-arn"] = ReaderRoleArn } },
        });
        Assert.True(status == 201, body.ToJsonString());
    }

    public Task DisposeAsync() => Irsa.DisposeAsync();

    public Task<ToolResult> PodRunAsync(string serviceAccount, params string[] command) =>
        Irsa.IrsaAsync(["pod", "run", "--cluster", "demo", "--service-account", serviceAccount, "--", .. command]);

    /// <summary>The intruder's AWS CLI call, with its own HOME: the AWS CLI caches assumed-role credentials under
    /// ~/.aws/cli/cache keyed by the role, so with a shared HOME it would reuse the reader's session and never call STS.</summary>
    public Task<ToolResult> IntruderCallAsync() =>
        PodRunAsync("intruder", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws sts get-caller-identity");

    private static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

public sealed class HeadlineDemoTests(HeadlineDemo demo) : IClassFixture<HeadlineDemo>
{
    [Fact]
    public async Task Aws_cli_in_a_pod_gets_the_service_accounts_role()
    {
        var result = await demo.PodRunAsync("reader", "aws", "sts", "get-caller-identity");

        Assert.True(result.ExitCode == 0, result.ToString());
        var arn = JsonNode.Parse(result.StandardOutput)!["Arn"]!.GetValue<string>();
        Assert.StartsWith(demo.ReaderRoleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal) + "/",
            arn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pod_reads_the_bucket_its_role_allows_and_may_not_write_to_it()
    {
        var read = await demo.PodRunAsync("reader", "sh", "-c", "export HOME=\"$(mktemp -d)\"; exec aws s3 cp s3://demo-bucket/hello.txt -");
        var write = await demo.PodRunAsync("reader", "sh", "-c", "export HOME=\"$(mktemp -d)\"; echo x | aws s3 cp - s3://demo-bucket/x.txt");

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal("hello from S3\n", read.StandardOutput);
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("An error occurred (AccessDenied) when calling the PutObject operation", write.StandardError + write.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("because no identity-based policy allows the s3:PutObject action", write.StandardError + write.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_service_account_gets_its_own_role()
    {
        var result = await demo.PodRunAsync("writer", "aws", "sts", "get-caller-identity");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(":assumed-role/writer/", JsonNode.Parse(result.StandardOutput)!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_account_claiming_someone_elses_role_is_denied()
    {
        var result = await demo.IntruderCallAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AccessDenied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pod_environment_has_no_credentials_only_the_web_identity()
    {
        var result = await demo.PodRunAsync("reader", "env");

        Assert.True(result.ExitCode == 0, result.ToString());
        var variables = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Assert.Equal(demo.ReaderRoleArn, variables["AWS_ROLE_ARN"]);
        Assert.True(File.Exists(variables["AWS_WEB_IDENTITY_TOKEN_FILE"]) || variables["AWS_WEB_IDENTITY_TOKEN_FILE"].EndsWith("/token", StringComparison.Ordinal));
        Assert.DoesNotContain("AWS_ACCESS_KEY_ID", variables.Keys);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", variables.Keys);
        Assert.DoesNotContain("AWS_PROFILE", variables.Keys);
        Assert.DoesNotContain("AWS_SHARED_CREDENTIALS_FILE", variables.Keys);
        Assert.Equal(demo.Irsa.Endpoint, variables["AWS_ENDPOINT_URL_STS"]);
    }

    [Fact]
    public async Task Boto3_default_chain_in_a_pod_gets_the_role()
    {
        var result = await demo.PodRunAsync("reader", "python3", Path.Combine(Tool.RepositoryRoot, "test/clients/python/caller_identity.py"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(":assumed-role/reader/", JsonNode.Parse(result.StandardOutput)!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Javascript_sdk_default_chain_in_a_pod_gets_the_role()
    {
        var result = await demo.PodRunAsync("reader", "node", Path.Combine(Tool.RepositoryRoot, "test/clients/js/caller-identity.mjs"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(":assumed-role/reader/", JsonNode.Parse(result.StandardOutput)!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_run_returns_the_exit_code_and_deletes_the_pod()
    {
        var result = await demo.Irsa.IrsaAsync("pod", "run", "--cluster", "demo", "--service-account", "reader", "--name", "short-lived", "--",
            "sh", "-c", "test -s \"$AWS_WEB_IDENTITY_TOKEN_FILE\" && exit 7");
        using var kube = await KubeApi.FromKubeconfigAsync(demo.Irsa, "demo");
        var (status, _) = await kube.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/short-lived");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(404, status);
    }
}
