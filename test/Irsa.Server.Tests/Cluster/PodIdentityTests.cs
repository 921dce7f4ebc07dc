using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Server.Tests.Aws;

namespace Irsa.Server.Tests.Cluster;

/// <summary>EKS Pod Identity: the associations API (signed calls and the AWS CLI), the admission mutation and eks-auth.</summary>
public sealed partial class PodIdentityTests
{
    internal const string PodIdentityTrust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

    internal static async Task<string> CreatePodIdentityRoleAsync(IrsaTestServer server, string name, string trust = PodIdentityTrust)
    {
        var role = await AwsCalls.IamAsync(server, $"Action=CreateRole&RoleName={name}&AssumeRolePolicyDocument={AwsCalls.Escape(trust)}");
        Assert.True(role.Status == HttpStatusCode.OK, role.Body);
        return $"arn:aws:iam::{server.AccountId}:role/{name}";
    }

    internal static async Task<AwsAnswer> CreateAssociationAsync(IrsaTestServer server, string cluster, string ns, string sa, string roleArn, string extra = "") =>
        await AwsCalls.EksAsync(server, HttpMethod.Post, $"/clusters/{cluster}/pod-identity-associations",
            $"{{\"namespace\":\"{ns}\",\"serviceAccount\":\"{sa}\",\"roleArn\":\"{roleArn}\"{extra}}}");

    [Fact]
    public async Task Associations_are_created_described_listed_updated_and_deleted_with_EKS_shapes_and_errors()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var roleArn = await CreatePodIdentityRoleAsync(server, "app");

        var created = await CreateAssociationAsync(server, "demo", "team-a", "web", roleArn, ",\"tags\":{\"env\":\"dev\"}");
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var association = (JsonObject)JsonNode.Parse(created.Body)!["association"]!;
        var id = association["associationId"]!.GetValue<string>();
        Assert.Matches(AssociationId(), id);
        Assert.Equal($"arn:aws:eks:{server.Region}:{server.AccountId}:podidentityassociation/demo/{id}", association["associationArn"]!.GetValue<string>());
        Assert.Equal(roleArn, association["roleArn"]!.GetValue<string>());
        Assert.Equal("dev", association["tags"]!["env"]!.GetValue<string>());
        Assert.False(association["disableSessionTags"]!.GetValue<bool>());
        Assert.Null(association["externalId"]);
        Assert.True(association["createdAt"]!.GetValue<double>() > 1.7e9);

        // One association per cluster, namespace and service account.
        var duplicate = await CreateAssociationAsync(server, "demo", "team-a", "web", roleArn);
        Assert.Equal(409, duplicate.Code);
        Assert.Equal("ResourceInUseException", duplicate.ErrorType);
        Assert.Contains("Association already exists", duplicate.Body, StringComparison.Ordinal);

        var other = await CreateAssociationAsync(server, "demo", "team-b", "web", roleArn);
        Assert.Equal(HttpStatusCode.OK, other.Status);

        var described = await AwsCalls.EksAsync(server, HttpMethod.Get, $"/clusters/demo/pod-identity-associations/{id}");
        Assert.Equal(HttpStatusCode.OK, described.Status);
        Assert.Equal("web", JsonNode.Parse(described.Body)!["association"]!["serviceAccount"]!.GetValue<string>());

        // Summaries have no roleArn; the namespace filter and pagination work.
        var page1 = JsonNode.Parse((await AwsCalls.EksAsync(server, HttpMethod.Get, "/clusters/demo/pod-identity-associations?maxResults=1")).Body)!;
        Assert.Single(page1["associations"]!.AsArray());
        Assert.Null(page1["associations"]![0]!["roleArn"]);
        var token = page1["nextToken"]!.GetValue<string>();
        var page2 = JsonNode.Parse((await AwsCalls.EksAsync(server, HttpMethod.Get, $"/clusters/demo/pod-identity-associations?maxResults=1&nextToken={token}")).Body)!;
        Assert.Single(page2["associations"]!.AsArray());
        Assert.Null(page2["nextToken"]);
        Assert.NotEqual(page1["associations"]![0]!["associationId"]!.GetValue<string>(), page2["associations"]![0]!["associationId"]!.GetValue<string>());
        var filtered = JsonNode.Parse((await AwsCalls.EksAsync(server, HttpMethod.Get, "/clusters/demo/pod-identity-associations?namespace=team-b")).Body)!;
        Assert.Equal("team-b", Assert.Single(filtered["associations"]!.AsArray())!["namespace"]!.GetValue<string>());
        var badMax = await AwsCalls.EksAsync(server, HttpMethod.Get, "/clusters/demo/pod-identity-associations?maxResults=101");
        Assert.Equal("InvalidParameterException", badMax.ErrorType);

        // A target role brings the external id; a policy needs session tags disabled.
        var target = "arn:aws:iam::444455556666:role/target";
        var updated = await AwsCalls.EksAsync(server, HttpMethod.Post, $"/clusters/demo/pod-identity-associations/{id}", $"{{\"targetRoleArn\":\"{target}\"}}");
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal($"{server.Region}/{server.AccountId}/demo/team-a/web", JsonNode.Parse(updated.Body)!["association"]!["externalId"]!.GetValue<string>());
        var policyWithTags = await AwsCalls.EksAsync(server, HttpMethod.Post, $"/clusters/demo/pod-identity-associations/{id}", "{\"policy\":\"{}\"}");
        Assert.Equal("InvalidParameterException", policyWithTags.ErrorType);
        var unchanged = await AwsCalls.EksAsync(server, HttpMethod.Post, $"/clusters/demo/pod-identity-associations/{id}", $"{{\"targetRoleArn\":\"{target}\"}}");
        Assert.Equal("InvalidParameterException", unchanged.ErrorType);

        var deleted = await AwsCalls.EksAsync(server, HttpMethod.Delete, $"/clusters/demo/pod-identity-associations/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(id, JsonNode.Parse(deleted.Body)!["association"]!["associationId"]!.GetValue<string>());
        var gone = await AwsCalls.EksAsync(server, HttpMethod.Get, $"/clusters/demo/pod-identity-associations/{id}");
        Assert.Equal(404, gone.Code);
        Assert.Equal("ResourceNotFoundException", gone.ErrorType);

        // After the delete the service account can be associated again.
        Assert.Equal(HttpStatusCode.OK, (await CreateAssociationAsync(server, "demo", "team-a", "web", roleArn)).Status);
        var noCluster = await CreateAssociationAsync(server, "nope", "team-a", "web", roleArn);
        Assert.Equal("ResourceNotFoundException", noCluster.ErrorType);
    }

    [Fact]
    public async Task A_role_must_trust_pod_identity_and_be_in_the_clusters_account()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var untrusting = await CreatePodIdentityRoleAsync(server, "ec2-only",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");

        var invalidTrust = await CreateAssociationAsync(server, "demo", "default", "app", untrusting);
        Assert.Equal(400, invalidTrust.Code);
        Assert.Equal("InvalidParameterException", invalidTrust.ErrorType);
        Assert.Contains("Trust policy of the role provided is invalid", invalidTrust.Body, StringComparison.Ordinal);

        var otherAccount = await CreateAssociationAsync(server, "demo", "default", "app", "arn:aws:iam::444455556666:role/app");
        Assert.Equal("InvalidParameterException", otherAccount.ErrorType);

        var policyWithTags = await CreateAssociationAsync(server, "demo", "default", "app", await CreatePodIdentityRoleAsync(server, "ok"), ",\"policy\":\"{}\"");
        Assert.Equal("InvalidParameterException", policyWithTags.ErrorType);
    }

    [Fact]
    public async Task The_AWS_CLI_manages_associations_unmodified()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var roleArn = await CreatePodIdentityRoleAsync(server, "cli-role");

        var (code, output, error) = await AwsCli.RunAsync(server, "eks", "create-pod-identity-association", "--cluster-name", "demo",
            "--namespace", "default", "--service-account", "cli", "--role-arn", roleArn, "--disable-session-tags", "--policy", "{\"Version\":\"2012-10-17\"}");
        Assert.True(code == 0, error);
        var id = JsonNode.Parse(output)!["association"]!["associationId"]!.GetValue<string>();
        Assert.True(JsonNode.Parse(output)!["association"]!["disableSessionTags"]!.GetValue<bool>());

        (code, output, error) = await AwsCli.RunAsync(server, "eks", "list-pod-identity-associations", "--cluster-name", "demo");
        Assert.True(code == 0, error);
        Assert.Equal(id, JsonNode.Parse(output)!["associations"]![0]!["associationId"]!.GetValue<string>());

        (code, output, error) = await AwsCli.RunAsync(server, "eks", "describe-pod-identity-association", "--cluster-name", "demo", "--association-id", id);
        Assert.True(code == 0, error);
        Assert.Equal(roleArn, JsonNode.Parse(output)!["association"]!["roleArn"]!.GetValue<string>());

        (code, _, error) = await AwsCli.RunAsync(server, "eks", "create-pod-identity-association", "--cluster-name", "demo",
            "--namespace", "default", "--service-account", "cli", "--role-arn", roleArn);
        Assert.NotEqual(0, code);
        Assert.Contains("ResourceInUseException", error, StringComparison.Ordinal);

        (code, output, error) = await AwsCli.RunAsync(server, "eks", "delete-pod-identity-association", "--cluster-name", "demo", "--association-id", id);
        Assert.True(code == 0, error);
        (code, _, error) = await AwsCli.RunAsync(server, "eks", "describe-pod-identity-association", "--cluster-name", "demo", "--association-id", id);
        Assert.NotEqual(0, code);
        Assert.Contains("ResourceNotFoundException", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pods_of_an_associated_service_account_get_the_Pod_Identity_mutation_beside_IRSA_when_annotated()
    {
        await using var cluster = await KubeCluster.StartAsync();
        var server = cluster.Server;
        var roleArn = await CreatePodIdentityRoleAsync(server, "app");
        Assert.Equal(HttpStatusCode.OK, (await CreateAssociationAsync(server, "demo", "default", "pi", roleArn)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CreateAssociationAsync(server, "demo", "default", "both", roleArn)).Status);
        await cluster.CreateServiceAccountAsync("default", "pi");
        await cluster.CreateServiceAccountAsync("default", "both", $"{{\"eks.amazonaws.com/role-arn\":\"arn:aws:iam::{server.AccountId}:role/irsa\"}}");
        await cluster.CreateServiceAccountAsync("default", "plain");

        var pod = await cluster.CreatePodAsync("default", "p1", "pi");
        var env = Env(pod);
        Assert.Equal("http://169.254.170.23/v1/credentials", env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        Assert.Equal("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token", env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]);
        Assert.False(env.ContainsKey("AWS_ROLE_ARN"));
        Assert.Equal("enabled", pod["metadata"]!["labels"]!["eks.amazonaws.com/pod-identity"]!.GetValue<string>());
        var volume = pod["spec"]!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "eks-pod-identity-token")!;
        var projection = volume["projected"]!["sources"]![0]!["serviceAccountToken"]!;
        Assert.Equal("pods.eks.amazonaws.com", projection["audience"]!.GetValue<string>());
        Assert.Equal("eks-pod-identity-token", projection["path"]!.GetValue<string>());
        Assert.Contains(pod["spec"]!["containers"]![0]!["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount");

        // Both mechanisms: IRSA's variables and volume, then Pod Identity's; the SDK's chain chooses.
        var both = await cluster.CreatePodAsync("default", "p2", "both");
        var bothEnv = Env(both);
        Assert.Equal($"arn:aws:iam::{server.AccountId}:role/irsa", bothEnv["AWS_ROLE_ARN"]);
        Assert.Equal("http://169.254.170.23/v1/credentials", bothEnv["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        var names = both["spec"]!["volumes"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("aws-iam-token", names);
        Assert.Contains("eks-pod-identity-token", names);

        // Neither: untouched.
        var plain = await cluster.CreatePodAsync("default", "p3", "plain");
        Assert.Empty(Env(plain));
    }

    private static Dictionary<string, string> Env(JsonObject pod) =>
        (pod["spec"]!["containers"]![0]!["env"] as JsonArray ?? []).ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    [GeneratedRegex("^a-[a-z0-9]{17}$")]
    private static partial Regex AssociationId();
}
