using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// IAM managed end to end by three real clients (AWS CLI v1, boto3, JS SDK v3 <c>@aws-sdk/client-iam</c>): an OIDC
/// provider for a cluster's issuer, a role with an IRSA trust policy, a managed policy, and the engine's decisions.
/// </summary>
public sealed class IamClientsTests(IrsaProcess irsa) : IClassFixture<IrsaProcess>
{
    [Fact]
    public async Task Boto3_manages_irsa_iam_and_simulates()
    {
        var issuer = await ClusterIssuerAsync("py");
        var result = await Tool.RunAsync("python3", [Path.Combine(Tool.RepositoryRoot, "test/clients/python/iam_irsa.py")],
            new Dictionary<string, string?>(irsa.AdminEnvironment) { ["ISSUER"] = issuer, ["NAME"] = "boto3" });
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.StandardOutput)!;

        Assert.Equal($"arn:aws:iam::{await AccountAsync()}:oidc-provider/{issuer.Split("://")[1]}", json["providerArn"]!.GetValue<string>());
        // botocore decoded the URL-encoded document into a dict: the encoding is right.
        Assert.Equal(json["providerArn"]!.GetValue<string>(),
            json["trustPolicy"]!["Statement"]![0]!["Principal"]!["Federated"]!.GetValue<string>());
        Assert.Equal("[[\"s3:GetObject\",\"allowed\"],[\"s3:PutObject\",\"implicitDeny\"]]", json["principalDecisions"]!.ToJsonString());
        Assert.Equal("EntityAlreadyExists", json["duplicateCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Javascript_sdk_manages_irsa_iam_and_simulates()
    {
        var issuer = await ClusterIssuerAsync("js");
        var environment = new Dictionary<string, string?>(irsa.AdminEnvironment)
        {
            ["ISSUER"] = issuer,
            ["NAME"] = "jsv3",
            ["AWS_SDK_LOAD_CONFIG"] = "1",
        };
        var result = await Tool.RunAsync("node", [Path.Combine(Tool.RepositoryRoot, "test/clients/js/iam-irsa.mjs")], environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.StandardOutput)!;

        Assert.StartsWith("AROA", json["roleId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("%7B%22Version%22%3A%222012-10-17%22", json["trustPolicyEncoded"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("+", json["trustPolicyEncoded"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(json["attached"]!.AsArray());
        Assert.Equal("[[\"s3:GetObject\",\"allowed\"],[\"s3:PutObject\",\"implicitDeny\"]]", json["principalDecisions"]!.ToJsonString());
        Assert.Equal("[[\"s3:GetObject\",\"explicitDeny\"]]", json["customDecisions"]!.ToJsonString());
    }

    [Fact]
    public async Task Aws_cli_creates_a_provider_and_role_and_reads_them_back()
    {
        var issuer = await ClusterIssuerAsync("cli");
        var provider = await irsa.AwsAsync("iam", "create-open-id-connect-provider", "--url", issuer, "--client-id-list", "sts.amazonaws.com");
        Assert.True(provider.ExitCode == 0, provider.ToString());
        var providerArn = JsonNode.Parse(provider.StandardOutput)!["OpenIDConnectProviderArn"]!.GetValue<string>();
        var host = issuer.Split("://")[1];
        var trust = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["Federated"] = providerArn },
                ["Action"] = "sts:AssumeRoleWithWebIdentity",
                ["Condition"] = new JsonObject
                {
                    ["StringEquals"] = new JsonObject { [host + ":sub"] = "system:serviceaccount:default:reader", [host + ":aud"] = "sts.amazonaws.com" },
                },
            }),
        }.ToJsonString();

        var role = await irsa.AwsAsync("iam", "create-role", "--role-name", "cli-reader", "--assume-role-policy-document", trust);
        var got = await irsa.AwsAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", providerArn);
        var malformed = await irsa.AwsAsync("iam", "create-role", "--role-name", "broken", "--assume-role-policy-document", "{\"Version\":");

        Assert.True(role.ExitCode == 0, role.ToString());
        Assert.Equal(host, JsonNode.Parse(got.StandardOutput)!["Url"]!.GetValue<string>());
        Assert.Equal(["sts.amazonaws.com"], JsonNode.Parse(got.StandardOutput)!["ClientIDList"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("MalformedPolicyDocument", malformed.StandardError, StringComparison.Ordinal);
        var roles = await irsa.AwsAsync("iam", "list-roles", "--query", "Roles[].RoleName");
        Assert.DoesNotContain("broken", roles.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aws_cli_with_get_session_token_credentials_may_not_call_iam_nor_sts_beyond_assume_role_and_get_caller_identity()
    {
        var account = await AccountAsync();
        var trusted = await irsa.AwsAsync("iam", "create-role", "--role-name", "session-target", "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{account}}:user/irsa-admin"},"Action":"sts:AssumeRole"}]}""");
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        var issued = await irsa.AwsAsync("sts", "get-session-token", "--duration-seconds", "900", "--output", "json");
        Assert.True(issued.ExitCode == 0, issued.ToString());
        var credentials = JsonNode.Parse(issued.StandardOutput)!["Credentials"]!;
        var session = new Dictionary<string, string?>(irsa.AdminEnvironment)
        {
            ["AWS_ACCESS_KEY_ID"] = credentials["AccessKeyId"]!.GetValue<string>(),
            ["AWS_SECRET_ACCESS_KEY"] = credentials["SecretAccessKey"]!.GetValue<string>(),
            ["AWS_SESSION_TOKEN"] = credentials["SessionToken"]!.GetValue<string>(),
        };
        Task<ToolResult> Aws(params string[] arguments) => Tool.RunAsync("aws", arguments, session);

        var iam = await Aws("iam", "list-roles");
        var keyInfo = await Aws("sts", "get-access-key-info", "--access-key-id", credentials["AccessKeyId"]!.GetValue<string>());
        var again = await Aws("sts", "get-session-token");
        var identity = await Aws("sts", "get-caller-identity", "--output", "json");
        var assumed = await Aws("sts", "assume-role", "--role-arn", $"arn:aws:iam::{account}:role/session-target", "--role-session-name", "from-session",
            "--output", "json");
        var s3 = await Aws("s3api", "list-buckets");

        Assert.NotEqual(0, iam.ExitCode);
        Assert.Contains("(InvalidClientTokenId) when calling the ListRoles operation: The security token included in the request is invalid",
            iam.StandardError, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied) when calling the GetAccessKeyInfo operation: Cannot call GetAccessKeyInfo with session credentials",
            keyInfo.StandardError, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials",
            again.StandardError, StringComparison.Ordinal);
        Assert.True(identity.ExitCode == 0, identity.ToString());
        Assert.Equal($"arn:aws:iam::{account}:user/irsa-admin", JsonNode.Parse(identity.StandardOutput)!["Arn"]!.GetValue<string>());
        Assert.True(assumed.ExitCode == 0, assumed.ToString());
        Assert.Equal($"arn:aws:sts::{account}:assumed-role/session-target/from-session",
            JsonNode.Parse(assumed.StandardOutput)!["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.True(s3.ExitCode == 0, s3.ToString());
    }

    private async Task<string> ClusterIssuerAsync(string name)
    {
        var created = await irsa.AwsAsync("eks", "create-cluster", "--name", name, "--role-arn", "arn:aws:iam::111122223333:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1");
        Assert.True(created.ExitCode == 0, created.ToString());
        return JsonNode.Parse(created.StandardOutput)!["cluster"]!["identity"]!["oidc"]!["issuer"]!.GetValue<string>();
    }

    private async Task<string> AccountAsync() =>
        JsonNode.Parse((await irsa.AwsAsync("sts", "get-caller-identity")).StandardOutput)!["Account"]!.GetValue<string>();
}
