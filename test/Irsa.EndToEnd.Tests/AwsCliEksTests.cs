using System.Text.Json.Nodes;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>The unmodified AWS CLI v1 drives Irsa's EKS API, configured only by the profile files <c>irsa up</c> wrote.</summary>
public sealed class AwsCliEksTests(IrsaProcess irsa) : IClassFixture<IrsaProcess>
{
    [Fact]
    public async Task Create_and_describe_cluster_with_the_aws_cli()
    {
        var created = await irsa.AwsAsync("eks", "create-cluster", "--name", "cli-demo", "--role-arn", "arn:aws:iam::111122223333:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1");
        Assert.True(created.ExitCode == 0, created.ToString());
        var cluster = JsonNode.Parse(created.StandardOutput)!["cluster"]!;

        var issuer = await irsa.AwsAsync("eks", "describe-cluster", "--name", "cli-demo", "--query", "cluster.identity.oidc.issuer", "--output", "text");

        Assert.Equal("ACTIVE", cluster["status"]!.GetValue<string>());
        Assert.Matches("^[0-9A-F]{32}$", cluster["id"]!.GetValue<string>());
        Assert.Equal($"{irsa.Endpoint}/id/{cluster["id"]}", issuer.StandardOutput.Trim());
        Assert.Equal(["subnet-1"], cluster["resourcesVpcConfig"]!["subnetIds"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Aws_errors_reach_the_cli_with_their_codes()
    {
        await irsa.AwsAsync("eks", "create-cluster", "--name", "twice", "--role-arn", "arn:aws:iam::111122223333:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1");

        var duplicate = await irsa.AwsAsync("eks", "create-cluster", "--name", "twice", "--role-arn", "arn:aws:iam::111122223333:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1");
        var missing = await irsa.AwsAsync("eks", "describe-cluster", "--name", "no-such-cluster");
        var badRole = await irsa.AwsAsync("eks", "create-cluster", "--name", "bad", "--role-arn", "not-an-arn",
            "--resources-vpc-config", "subnetIds=subnet-1");

        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("ResourceInUseException", duplicate.StandardError, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", missing.StandardError, StringComparison.Ordinal);
        Assert.Contains("InvalidParameterException", badRole.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsigned_and_wrongly_signed_calls_are_refused()
    {
        var anonymous = await Tool.RunAsync("aws", ["eks", "list-clusters", "--no-sign-request", "--endpoint-url", irsa.Endpoint, "--region", "us-east-1"],
            new Dictionary<string, string?> { ["HOME"] = irsa.Home.FullName });
        var wrongSecretEnvironment = new Dictionary<string, string?>
        {
            ["HOME"] = irsa.Home.FullName,
            ["AWS_ACCESS_KEY_ID"] = File.ReadLines(Path.Combine(irsa.DataDirectory, "credentials")).First(l => l.StartsWith("aws_access_key_id", StringComparison.Ordinal)).Split('=')[1].Trim(),
            ["AWS_SECRET_ACCESS_KEY"] = "0000000000000000000000000000000000000000",
        };
        var wrongSecret = await Tool.RunAsync("aws", ["iam", "list-roles", "--endpoint-url", irsa.Endpoint, "--region", "us-east-1"], wrongSecretEnvironment);
        var wrongSecretRest = await Tool.RunAsync("aws", ["eks", "list-clusters", "--endpoint-url", irsa.Endpoint, "--region", "us-east-1"], wrongSecretEnvironment);

        Assert.Contains("MissingAuthenticationToken", anonymous.StandardError, StringComparison.Ordinal);
        Assert.Contains("SignatureDoesNotMatch", wrongSecret.StandardError, StringComparison.Ordinal);
        // REST-JSON services (EKS) name the same failure differently.
        Assert.Contains("InvalidSignatureException", wrongSecretRest.StandardError, StringComparison.Ordinal);
    }
}
