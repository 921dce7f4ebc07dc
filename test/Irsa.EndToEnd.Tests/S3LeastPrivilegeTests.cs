using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// Least privilege on real calls: a role allowed to read <c>bucket-a</c> (and write under <c>bucket-a/uploads/</c>), used
/// by unmodified clients inside <c>irsa pod run</c>; the admin owns <c>bucket-a</c> and <c>bucket-b</c>.
/// </summary>
public sealed class S3Demo : IAsyncLifetime
{
    public const string ReadBucket = "bucket-a";
    public const string OtherBucket = "bucket-b";
    public const string ReadKey = "hello.txt";
    public const string ReadContent = "hello from bucket-a";

    public IrsaProcess Irsa { get; } = new();

    public string AppRoleArn { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Irsa.InitializeAsync();
        await Ok(Irsa.IrsaAsync("cluster", "create", "demo"));
        await Ok(Irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "demo"));
        var policy = Path.Combine(Irsa.Home.FullName, "app-policy.json");
        await File.WriteAllTextAsync(policy, """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-a/*"},
              {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket-a"},
              {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-a/uploads/*"}]}
            """);
        foreach (var name in new[] { "app", "temp" })
        {
            var created = await Ok(Irsa.IrsaAsync("iam", "create-service-account", "--cluster", "demo", "--name", name, "--role-name", name,
                "--policy-file", policy, "--output", "json"));
            if (name == "app")
            {
                AppRoleArn = JsonNode.Parse(created.StandardOutput)!["RoleArn"]!.GetValue<string>();
            }
        }

        var content = Path.Combine(Irsa.Home.FullName, "hello.txt");
        foreach (var bucket in new[] { ReadBucket, OtherBucket })
        {
            await Ok(Irsa.AwsAsync("s3", "mb", "s3://" + bucket));
            await File.WriteAllTextAsync(content, "hello from " + bucket);
            await Ok(Irsa.AwsAsync("s3", "cp", content, $"s3://{bucket}/{ReadKey}"));
        }

        await Ok(Irsa.AwsAsync("s3", "cp", content, $"s3://{ReadBucket}/secret/plan.txt"));

        // The bucket's own policy denies the app role the secret/ prefix, whatever the role's policy allows.
        await Ok(Irsa.AwsAsync("s3api", "put-bucket-policy", "--bucket", ReadBucket, "--policy", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"{{AppRoleArn}}"},"Action":"s3:GetObject",
              "Resource":"arn:aws:s3:::bucket-a/secret/*"}]}
            """));
    }

    public Task DisposeAsync() => Irsa.DisposeAsync();

    /// <summary>CMD as a pod of SA, with its own HOME (the AWS CLI caches web-identity credentials there per role).</summary>
    public Task<ToolResult> PodRunAsync(string serviceAccount, string home, params string[] command) =>
        Irsa.IrsaAsync(["pod", "run", "--cluster", "demo", "--service-account", serviceAccount, "--env", "HOME=" + home, "--", .. command]);

    public string NewHome() => Directory.CreateTempSubdirectory("irsa-pod-home-").FullName;

    public static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

public sealed class S3LeastPrivilegeTests(S3Demo demo) : IClassFixture<S3Demo>
{
    [Fact]
    public async Task Aws_cli_in_a_pod_reads_what_the_role_allows_and_nothing_else()
    {
        var result = await demo.PodRunAsync("app", demo.NewHome(), "sh", "-c",
            "aws s3 cp s3://bucket-a/hello.txt -; echo \"rc=$?\"; aws s3 cp s3://bucket-b/hello.txt - 2>&1; echo \"rc=$?\";" +
            " echo no | aws s3 cp - s3://bucket-a/hello-from-pod.txt 2>&1; echo \"rc=$?\"");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput;
        Assert.StartsWith(S3Demo.ReadContent + "rc=0", lines.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("(403) when calling the HeadObject operation: Forbidden", lines, StringComparison.Ordinal);
        Assert.Contains("An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::", lines, StringComparison.Ordinal);
        Assert.Contains("is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::bucket-a/hello-from-pod.txt\" because no identity-based policy allows the s3:PutObject action",
            lines, StringComparison.Ordinal);
        Assert.Equal(2, lines.Split("rc=1").Length - 1);
    }

    [Fact]
    public async Task Boto3_in_a_pod_reads_and_lists_bucket_a_and_is_denied_elsewhere()
    {
        var outcome = await PythonAsync();

        Assert.Equal(S3Demo.ReadContent, outcome["read"]!["value"]!.GetValue<string>());
        Assert.Contains("hello.txt", outcome["list"]!["value"]!.AsArray().Select(k => k!.GetValue<string>()));
        AssertDenied(outcome["deniedRead"]!);
        AssertDenied(outcome["deniedWrite"]!);
        Assert.EndsWith("because no identity-based policy allows the s3:PutObject action", outcome["deniedWrite"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Javascript_sdk_in_a_pod_reads_virtual_hosted_and_uploads_multipart_where_allowed()
    {
        var result = await demo.PodRunAsync("app", demo.NewHome(), "node", Path.Combine(Tool.RepositoryRoot, "test/clients/js/s3-least-privilege.mjs"),
            S3Demo.ReadBucket, S3Demo.ReadKey, S3Demo.OtherBucket, "uploads/from-js.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        var outcome = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal(S3Demo.ReadContent, outcome["read"]!["value"]!.GetValue<string>());
        Assert.Equal("AccessDenied", outcome["deniedRead"]!["code"]!.GetValue<string>());
        Assert.Equal("AccessDenied", outcome["deniedWrite"]!["code"]!.GetValue<string>());
        Assert.True(outcome["upload"]!["ok"]!.GetValue<bool>(), outcome.ToJsonString());
        Assert.EndsWith("-3\"", outcome["upload"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(12 * 1024 * 1024, outcome["readBack"]!["value"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bucket_policys_explicit_deny_overrides_the_roles_allow()
    {
        var result = await demo.PodRunAsync("app", demo.NewHome(), "aws", "s3api", "get-object", "--bucket", S3Demo.ReadBucket, "--key", "secret/plan.txt",
            "/dev/null");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("(AccessDenied) when calling the GetObject operation", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("with an explicit deny in a resource-based policy", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_policy_narrows_the_role()
    {
        var outcome = await PythonAsync("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""");

        Assert.True(outcome["list"]!["ok"]!.GetValue<bool>(), outcome.ToJsonString());
        AssertDenied(outcome["read"]!);
        Assert.EndsWith("because no session policy allows the s3:GetObject action", outcome["read"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_roles_policy_denies_the_same_credentials_at_once()
    {
        // The AWS CLI caches the session in HOME, so the second call reuses the very credentials the first one got.
        var home = demo.NewHome();
        var before = await demo.PodRunAsync("temp", home, "aws", "s3", "cp", "s3://bucket-a/hello.txt", "-");
        Assert.True(before.ExitCode == 0, before.ToString());
        var policies = JsonNode.Parse((await S3Demo.Ok(demo.Irsa.AwsAsync("iam", "list-role-policies", "--role-name", "temp"))).StandardOutput)!;
        foreach (var name in policies["PolicyNames"]!.AsArray())
        {
            await S3Demo.Ok(demo.Irsa.AwsAsync("iam", "delete-role-policy", "--role-name", "temp", "--policy-name", name!.GetValue<string>()));
        }

        var after = await demo.PodRunAsync("temp", home, "aws", "s3api", "get-object", "--bucket", "bucket-a", "--key", "hello.txt", "/dev/null");

        Assert.Equal(S3Demo.ReadContent, before.StandardOutput.TrimEnd('\n'));
        Assert.Single(Directory.GetFiles(Path.Combine(home, ".aws", "cli", "cache")));
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("because no identity-based policy allows the s3:GetObject action", after.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_s3_call_is_a_data_event_naming_the_pod()
    {
        var read = await demo.Irsa.IrsaAsync("pod", "run", "--cluster", "demo", "--service-account", "app", "--name", "data-reader",
            "--env", "HOME=" + demo.NewHome(), "--", "aws", "s3api", "get-object", "--bucket", "bucket-a", "--key", "hello.txt", "/dev/null");
        Assert.True(read.ExitCode == 0, read.ToString());

        var lookup = await S3Demo.Ok(demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=GetObject",
            "--max-results", "50"));
        var record = JsonNode.Parse(lookup.StandardOutput)!["Events"]!.AsArray()
            .Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!)
            .First(r => r["additionalEventData"]?["kubernetes"]?["podName"]?.GetValue<string>() == "data-reader");

        Assert.Equal("s3.amazonaws.com", record["eventSource"]!.GetValue<string>());
        Assert.Equal("GetObject", record["eventName"]!.GetValue<string>());
        Assert.Equal("Data", record["eventCategory"]!.GetValue<string>());
        Assert.False(record["managementEvent"]!.GetValue<bool>());
        Assert.True(record["readOnly"]!.GetValue<bool>());
        Assert.Equal("AssumedRole", record["userIdentity"]!["type"]!.GetValue<string>());
        Assert.Equal(demo.AppRoleArn, record["userIdentity"]!["sessionContext"]!["sessionIssuer"]!["arn"]!.GetValue<string>());
        Assert.NotNull(record["userIdentity"]!["sessionContext"]!["webIdFederationData"]);
        Assert.Equal("bucket-a", record["requestParameters"]!["bucketName"]!.GetValue<string>());
        Assert.Equal("hello.txt", record["requestParameters"]!["key"]!.GetValue<string>());
        Assert.NotNull(record["requestParameters"]!["Host"]);
        var extra = record["additionalEventData"]!;
        Assert.Equal("SigV4", extra["SignatureVersion"]!.GetValue<string>());
        Assert.Equal("AuthHeader", extra["AuthenticationMethod"]!.GetValue<string>());
        Assert.Equal(S3Demo.ReadContent.Length, extra["bytesTransferredOut"]!.GetValue<long>());
        Assert.Equal("default", extra["kubernetes"]!["namespace"]!.GetValue<string>());
        Assert.Equal("app", extra["kubernetes"]!["serviceAccount"]!.GetValue<string>());
        var resources = record["resources"]!.AsArray();
        Assert.Contains(resources, r => r!["type"]!.GetValue<string>() == "AWS::S3::Object" && r["ARN"]!.GetValue<string>() == "arn:aws:s3:::bucket-a/hello.txt");
        Assert.Contains(resources, r => r!["type"]!.GetValue<string>() == "AWS::S3::Bucket" && r["ARN"]!.GetValue<string>() == "arn:aws:s3:::bucket-a"
            && r["accountId"] is not null);
    }

    private async Task<JsonNode> PythonAsync(params string[] sessionPolicy)
    {
        var result = await demo.PodRunAsync("app", demo.NewHome(), ["python3", Path.Combine(Tool.RepositoryRoot, "test/clients/python/s3_least_privilege.py"),
            S3Demo.ReadBucket, S3Demo.ReadKey, S3Demo.OtherBucket, .. sessionPolicy]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.StandardOutput)!;
    }

    private static void AssertDenied(JsonNode outcome)
    {
        Assert.False(outcome["ok"]!.GetValue<bool>(), outcome.ToJsonString());
        Assert.Equal("AccessDenied", outcome["code"]!.GetValue<string>());
        Assert.Equal(403, outcome["status"]!.GetValue<int>());
    }
}
