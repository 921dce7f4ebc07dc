using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Cluster;

/// <summary><c>irsa kubeconfig --cluster NAME</c>: a kubeconfig for the cluster's Kubernetes API with an admin token.</summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name", Required = true };
        var command = new Command("kubeconfig", "Print a kubeconfig (server, CA data, admin token) for a cluster") { cluster };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var name = parse.GetValue(cluster)!;
            var described = (JsonObject)(await client.EksAsync(HttpMethod.Get, "/clusters/" + Uri.EscapeDataString(name), null, ct))["cluster"]!;
            var token = await client.EksAsync(HttpMethod.Post, "/clusters/" + Uri.EscapeDataString(name) + "/admin-token", new JsonObject(), ct);
            Console.Write(Render(name, described.Text("endpoint")!, described.Text("certificateAuthority.data")!, token.Text("token")!));
            return 0;
        }));
        return command;
    }

    /// <summary>Kubeconfig YAML; the CA data is only written for HTTPS servers (kubectl rejects it for plain HTTP).</summary>
    internal static string Render(string name, string server, string caData, string token)
    {
        var user = "irsa-admin@" + name;
        var builder = new StringBuilder()
            .Append("apiVersion: v1\nkind: Config\n")
            .Append("clusters:\n- name: ").Append(name).Append("\n  cluster:\n    server: ").Append(server).Append('\n');
        if (server.StartsWith("https://", StringComparison.Ordinal))
        {
            builder.Append("    certificate-authority-data: ").Append(caData).Append('\n');
        }

        return builder
            .Append("users:\n- name: ").Append(user).Append("\n  user:\n    token: ").Append(token).Append('\n')
            .Append("contexts:\n- name: ").Append(name).Append("\n  context:\n    cluster: ").Append(name).Append("\n    user: ").Append(user).Append('\n')
            .Append("current-context: ").Append(name).Append('\n')
            .ToString();
    }
}
