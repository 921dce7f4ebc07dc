using System.CommandLine;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Cluster;

/// <summary><c>irsa cluster create|list|describe|delete|rotate-keys</c>: friendly verbs over Irsa's EKS API.</summary>
internal static class ClusterCommands
{
    private static readonly (string, Func<JsonObject, string?>)[] Columns =
    [
        ("NAME", c => c.Text("name")),
        ("STATUS", c => c.Text("status")),
        ("ISSUER", c => c.Text("identity.oidc.issuer")),
        ("ENDPOINT", c => c.Text("endpoint")),
    ];

    public static Command Create()
    {
        var cluster = new Command("cluster", "Manage clusters (their service-account issuers and Kubernetes APIs)");
        cluster.Subcommands.Add(CreateCommand());
        cluster.Subcommands.Add(ListCommand());
        cluster.Subcommands.Add(DescribeCommand());
        cluster.Subcommands.Add(DeleteCommand());
        cluster.Subcommands.Add(RotateKeysCommand());
        return cluster;
    }

    private static Command CreateCommand()
    {
        var name = new Argument<string>("name") { Description = "Cluster name" };
        var algorithm = new Option<string>("--signing-algorithm") { Description = "Service-account signing key algorithm", DefaultValueFactory = _ => "RS256" };
        algorithm.AcceptOnlyFromAmong("RS256", "ES256", "ES384", "ES512");
        var roleArn = new Option<string?>("--role-arn") { Description = "Cluster role ARN recorded with the cluster (default: role/irsa-cluster in your account)" };
        var mode = new Option<string>("--authentication-mode")
        {
            Description = "accessConfig.authenticationMode: API_AND_CONFIG_MAP (default here; EKS's API defaults to CONFIG_MAP) and API serve access entries, so IAM identities other than the creator can use kubectl",
            DefaultValueFactory = _ => "API_AND_CONFIG_MAP",
        };
        mode.AcceptOnlyFromAmong("API", "API_AND_CONFIG_MAP", "CONFIG_MAP");
        var command = new Command("create", "Create a cluster") { name, algorithm, roleArn, mode };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var account = await AccountAsync(client, ct);
            var body = new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["roleArn"] = parse.GetValue(roleArn) ?? $"arn:aws:iam::{account}:role/irsa-cluster",
                ["resourcesVpcConfig"] = new JsonObject { ["subnetIds"] = new JsonArray() },
                ["tags"] = new JsonObject { ["irsa:signing-algorithm"] = parse.GetValue(algorithm) },
                ["accessConfig"] = new JsonObject { ["authenticationMode"] = parse.GetValue(mode) },
            };
            var result = await client.EksAsync(HttpMethod.Post, "/clusters", body, ct);
            CliOutput.Write(parse, result, [(JsonObject)result["cluster"]!], Columns);
            return 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List clusters");
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var names = new List<string>();
            string? next = null;
            do
            {
                var page = await client.EksAsync(HttpMethod.Get, "/clusters" + (next is null ? "" : "?nextToken=" + Uri.EscapeDataString(next)), null, ct);
                names.AddRange(page["clusters"]!.AsArray().Select(n => n!.GetValue<string>()));
                next = page["nextToken"]?.GetValue<string>();
            }
            while (next is not null);

            var clusters = new List<JsonObject>();
            foreach (var clusterName in names)
            {
                clusters.Add((JsonObject)(await client.EksAsync(HttpMethod.Get, "/clusters/" + Uri.EscapeDataString(clusterName), null, ct))["cluster"]!);
            }

            CliOutput.Write(parse, new JsonObject { ["clusters"] = new JsonArray([.. clusters.Select(c => c.DeepClone())]) }, clusters, Columns);
            return 0;
        }));
        return command;
    }

    private static Command DescribeCommand() => NamedCommand("describe", "Show a cluster", HttpMethod.Get, "");

    private static Command DeleteCommand() => NamedCommand("delete", "Delete a cluster and everything in it", HttpMethod.Delete, "");

    private static Command RotateKeysCommand() =>
        NamedCommand("rotate-keys", "Rotate the service-account signing key (new key published first; old tokens keep verifying until they expire)",
            HttpMethod.Post, "/rotate-keys");

    private static Command NamedCommand(string verb, string description, HttpMethod method, string suffix)
    {
        var name = new Argument<string>("name") { Description = "Cluster name" };
        var command = new Command(verb, description) { name };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var result = await client.EksAsync(method, "/clusters/" + Uri.EscapeDataString(parse.GetValue(name)!) + suffix,
                method == HttpMethod.Post ? new JsonObject() : null, ct);
            CliOutput.Write(parse, result, [(JsonObject)result["cluster"]!], Columns);
            return 0;
        }));
        return command;
    }

    /// <summary>The caller's account, from <c>sts:GetCallerIdentity</c>.</summary>
    internal static async Task<string> AccountAsync(Client.IrsaClient client, CancellationToken cancellationToken)
    {
        var result = await client.QueryAsync("sts", "GetCallerIdentity", [], cancellationToken);
        return result?.Elements().FirstOrDefault(e => e.Name.LocalName == "Account")?.Value
            ?? throw new CliError("GetCallerIdentity returned no account");
    }
}
