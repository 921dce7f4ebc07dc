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
