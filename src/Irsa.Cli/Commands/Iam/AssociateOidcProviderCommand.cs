using System.CommandLine;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Iam;

/// <summary>
/// <c>irsa iam associate-oidc-provider --cluster NAME</c>: registers the cluster's issuer as an IAM OIDC identity
/// provider with client id <c>sts.amazonaws.com</c>, like eksctl's <c>utils associate-iam-oidc-provider</c>. Idempotent.
/// </summary>
internal static class AssociateOidcProviderCommand
{
    public const string StsAudience = "sts.amazonaws.com";

    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name", Required = true };
        var command = new Command("associate-oidc-provider", "Register a cluster's issuer as an IAM OIDC provider (client id sts.amazonaws.com)") { cluster };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var described = (JsonObject)(await client.EksAsync(HttpMethod.Get, "/clusters/" + Uri.EscapeDataString(parse.GetValue(cluster)!), null, ct))["cluster"]!;
            var issuer = described.Text("identity.oidc.issuer")!;
            var arn = await EnsureAsync(client, issuer, ct);
            CliOutput.Write(parse, new JsonObject { ["OpenIDConnectProviderArn"] = arn, ["Url"] = issuer }, [new JsonObject { ["arn"] = arn, ["url"] = issuer }],
                ("PROVIDER ARN", r => r.Text("arn")), ("ISSUER", r => r.Text("url")));
            return 0;
        }));
        return command;
    }

    /// <summary>Creates the provider unless it exists; returns its ARN.</summary>
    internal static async Task<string> EnsureAsync(Client.IrsaClient client, string issuer, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("Url", issuer), new("ClientIDList.member.1", StsAudience) };
        if (issuer.StartsWith("https://", StringComparison.Ordinal))
        {
            // STS trusts an issuer whose certificate does not chain to a public root only through the provider's thumbprints.
            parameters.Add(new("ThumbprintList.member.1", await Client.TlsThumbprint.FetchAsync(new Uri(issuer), client.Certificates, cancellationToken)));
        }

        try
        {
            var result = await client.QueryAsync("iam", "CreateOpenIDConnectProvider", parameters, cancellationToken);
            return result!.Elements().First(e => e.Name.LocalName == "OpenIDConnectProviderArn").Value;
        }
        catch (Client.AwsCallException error) when (error.Code == "EntityAlreadyExists")
        {
            var account = await Cluster.ClusterCommands.AccountAsync(client, cancellationToken);
            return ProviderArn(account, issuer);
        }
    }

    internal static string ProviderArn(string account, string issuer) =>
        $"arn:aws:iam::{account}:oidc-provider/{issuer[(issuer.IndexOf("://", StringComparison.Ordinal) + 3)..]}";
}
