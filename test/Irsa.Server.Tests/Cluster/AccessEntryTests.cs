namespace Irsa.Server.Tests.Cluster;

/// <summary>EKS access entries and access policies through the AWS CLI v1: shapes, the creator's bootstrap entry, errors.</summary>
public sealed class AccessEntryTests
{
    private const string View = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
    private const string Edit = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";

    [Fact]
    public async Task Entry_lifecycle_with_policies_at_cluster_and_namespace_scope()
    {
        await using var server = await IrsaTestServer.StartAsync();
        await EksTokens.ClusterAsync(server, "demo", "API");
        var account = server.AccountId;
        var role = $"arn:aws:iam::{account}:role/team/dev";

        var described = (await EksTokens.EksAsync(server, "describe-cluster", "--name", "demo"))!["cluster"]!;
        Assert.Equal("API", described["accessConfig"]!["authenticationMode"]!.GetValue<string>());

        // The creator's bootstrap entry: STANDARD, cluster admin at cluster scope.
        var entries = (await EksTokens.EksAsync(server, "list-access-entries", "--cluster-name", "demo"))!["accessEntries"]!.AsArray();
        var creator = Assert.Single(entries)!.GetValue<string>();
        var bootstrap = (await EksTokens.EksAsync(server, "list-associated-access-policies", "--cluster-name", "demo", "--principal-arn", creator))!;
        Assert.Equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            bootstrap["associatedAccessPolicies"]![0]!["policyArn"]!.GetValue<string>());
        Assert.Equal("cluster", bootstrap["associatedAccessPolicies"]![0]!["accessScope"]!["type"]!.GetValue<string>());
        Assert.StartsWith($"arn:aws:iam::{account}:user/", creator, StringComparison.Ordinal);

        var created = (await EksTokens.EksAsync(server, "create-access-entry", "--cluster-name", "demo", "--principal-arn", role,
            "--kubernetes-groups", "devs", "--tags", "team=a"))!["accessEntry"]!;
        Assert.Equal("demo", created["clusterName"]!.GetValue<string>());
        Assert.Equal(role, created["principalArn"]!.GetValue<string>());
        Assert.Equal("STANDARD", created["type"]!.GetValue<string>());
        Assert.Equal($"arn:aws:sts::{account}:assumed-role/dev/{{{{SessionName}}}}", created["username"]!.GetValue<string>());
        Assert.Equal(["devs"], created["kubernetesGroups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("a", created["tags"]!["team"]!.GetValue<string>());
        Assert.Matches($"^arn:aws:eks:us-east-1:{account}:access-entry/demo/role/{account}/dev/[0-9a-f-]{{36}}$", created["accessEntryArn"]!.GetValue<string>());
        Assert.True(created["createdAt"]!.GetValue<double>() > 1.7e9);

        // ListAccessEntries answers bare strings.
        var listed = (await EksTokens.EksAsync(server, "list-access-entries", "--cluster-name", "demo"))!["accessEntries"]!.AsArray();
        Assert.Contains(role, listed.Select(e => e!.GetValue<string>()));

        var associated = (await EksTokens.EksAsync(server, "associate-access-policy", "--cluster-name", "demo", "--principal-arn", role,
            "--policy-arn", Edit, "--access-scope", "type=namespace,namespaces=dev-*,qa"))!;
        Assert.Equal(role, associated["principalArn"]!.GetValue<string>());
        Assert.Equal(["dev-*", "qa"], associated["associatedAccessPolicy"]!["accessScope"]!["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()));
        await EksTokens.EksAsync(server, "associate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", View,
            "--access-scope", "type=cluster");

        // Associating a policy again replaces its scope.
        await EksTokens.EksAsync(server, "associate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", Edit,
            "--access-scope", "type=namespace,namespaces=prod");
        var policies = (await EksTokens.EksAsync(server, "list-associated-access-policies", "--cluster-name", "demo", "--principal-arn", role))!;
        var list = policies["associatedAccessPolicies"]!.AsArray();
        Assert.Equal([Edit, View], list.Select(p => p!["policyArn"]!.GetValue<string>()));
        Assert.Equal(["prod"], list[0]!["accessScope"]!["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()));

        var filtered = (await EksTokens.EksAsync(server, "list-access-entries", "--cluster-name", "demo", "--associated-policy-arn", View))!;
        Assert.Equal([role], filtered["accessEntries"]!.AsArray().Select(e => e!.GetValue<string>()));

        await EksTokens.EksAsync(server, "disassociate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", View);
        var updated = (await EksTokens.EksAsync(server, "update-access-entry", "--cluster-name", "demo", "--principal-arn", role,
            "--username", "dev:{{SessionName}}"))!["accessEntry"]!;
        Assert.Equal("dev:{{SessionName}}", updated["username"]!.GetValue<string>());
        Assert.Single((await EksTokens.EksAsync(server, "list-associated-access-policies", "--cluster-name", "demo", "--principal-arn", role))!
            ["associatedAccessPolicies"]!.AsArray());

        await EksTokens.EksAsync(server, "delete-access-entry", "--cluster-name", "demo", "--principal-arn", role);
        var gone = await Error(server, "describe-access-entry", "--cluster-name", "demo", "--principal-arn", role);
        Assert.Contains("(ResourceNotFoundException)", gone, StringComparison.Ordinal);

        var policiesServed = (await EksTokens.EksAsync(server, "list-access-policies"))!["accessPolicies"]!.AsArray();
        Assert.Contains(policiesServed, p => p!["name"]!.GetValue<string>() == "AmazonEKSViewPolicy" && p["arn"]!.GetValue<string>() == View);
    }

    [Fact]
    public async Task Errors_are_eks_errors()
    {
        await using var server = await IrsaTestServer.StartAsync();
        await EksTokens.ClusterAsync(server, "demo");
        await EksTokens.ClusterAsync(server, "legacy", "CONFIG_MAP");
        var account = server.AccountId;
        var role = $"arn:aws:iam::{account}:role/dev";
        await EksTokens.EksAsync(server, "create-access-entry", "--cluster-name", "demo", "--principal-arn", role);

        var cases = new Dictionary<string, (string Code, string[] Arguments)>
        {
            ["duplicate"] = ("ResourceInUseException", ["create-access-entry", "--cluster-name", "demo", "--principal-arn", role]),
            ["config map mode"] = ("InvalidRequestException", ["create-access-entry", "--cluster-name", "legacy", "--principal-arn", role]),
            ["session principal"] = ("InvalidParameterException", ["create-access-entry", "--cluster-name", "demo", "--principal-arn", $"arn:aws:sts::{account}:assumed-role/dev/s"]),
            ["reserved username"] = ("InvalidParameterException", ["create-access-entry", "--cluster-name", "demo", "--principal-arn", $"arn:aws:iam::{account}:role/x", "--username", "system:admin"]),
            ["reserved group"] = ("InvalidParameterException", ["create-access-entry", "--cluster-name", "demo", "--principal-arn", $"arn:aws:iam::{account}:role/x", "--kubernetes-groups", "system:masters"]),
            ["unknown entry"] = ("ResourceNotFoundException", ["describe-access-entry", "--cluster-name", "demo", "--principal-arn", $"arn:aws:iam::{account}:role/nobody"]),
            ["unknown cluster"] = ("ResourceNotFoundException", ["list-access-entries", "--cluster-name", "nope"]),
            ["unknown policy"] = ("InvalidParameterException", ["associate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/Nope", "--access-scope", "type=cluster"]),
            ["namespace scope without namespaces"] = ("InvalidParameterException", ["associate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", View, "--access-scope", "type=namespace"]),
            ["not associated"] = ("ResourceNotFoundException", ["disassociate-access-policy", "--cluster-name", "demo", "--principal-arn", role, "--policy-arn", View]),
            ["bad max results"] = ("InvalidParameterException", ["list-access-entries", "--cluster-name", "demo", "--max-results", "101"]),
        };
        foreach (var (name, (code, arguments)) in cases)
        {
            var error = await Error(server, arguments);
            Assert.True(error.Contains($"({code})", StringComparison.Ordinal), $"{name}: {error}");
        }

        var bootstrapFalse = await AwsCli.RunAsync(server, "eks", "create-cluster", "--name", "bad", "--role-arn", $"arn:aws:iam::{account}:role/eks",
            "--resources-vpc-config", "subnetIds=subnet-1", "--access-config", "authenticationMode=CONFIG_MAP,bootstrapClusterCreatorAdminPermissions=false");
        Assert.Contains("(InvalidParameterException)", bootstrapFalse.Error, StringComparison.Ordinal);
        Assert.Contains("bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP", bootstrapFalse.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authentication_mode_changes_one_way_through_update_cluster_config()
    {
        await using var server = await IrsaTestServer.StartAsync();
        await EksTokens.ClusterAsync(server, "demo", "CONFIG_MAP");

        var update = (await EksTokens.EksAsync(server, "update-cluster-config", "--name", "demo", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"))!["update"]!;
        Assert.Equal("AccessConfigUpdate", update["type"]!.GetValue<string>());
        Assert.Equal("API_AND_CONFIG_MAP", (await EksTokens.EksAsync(server, "describe-cluster", "--name", "demo"))!["cluster"]!["accessConfig"]!["authenticationMode"]!.GetValue<string>());

        // The entries now exist: the creator's is not added afterwards, but an entry can be created.
        await EksTokens.EksAsync(server, "create-access-entry", "--cluster-name", "demo", "--principal-arn", $"arn:aws:iam::{server.AccountId}:role/dev");

        var back = await Error(server, "update-cluster-config", "--name", "demo", "--access-config", "authenticationMode=CONFIG_MAP");
        Assert.Contains("(InvalidParameterException)", back, StringComparison.Ordinal);
    }

    private static async Task<string> Error(IrsaTestServer server, params string[] arguments)
    {
        var (code, _, error) = await AwsCli.RunAsync(server, ["eks", .. arguments]);
        Assert.NotEqual(0, code);
        return error;
    }
}
