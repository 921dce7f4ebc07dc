using System.CommandLine;
using System.Globalization;
using System.Net;
using Irsa.Cli.Commands.Webhook;
using Irsa.Node.Agent;
using Irsa.Server.Agent;
using Microsoft.Extensions.Logging;

namespace Irsa.Cli.Commands.Node;

/// <summary>
/// <c>irsa node agent</c>: the EKS Pod Identity agent of a node. Serves <c>/v1/credentials</c> on the real agent's addresses
/// (<c>169.254.170.23:80</c> and <c>[fd00:ec2::23]:80</c>, which the node must have on an interface) or on <c>--listen</c>
/// addresses, and exchanges pods' tokens at the Irsa server's eks-auth, signed with the node's credentials (resolved as
/// every Irsa verb resolves them). Runs until SIGINT/SIGTERM.
/// </summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var defaults = new PodIdentityAgentOptions();
        var cluster = new Option<string>("--cluster") { Description = "Name of the cluster whose pods this node runs", Required = true };
        var listen = new Option<string[]>("--listen")
        {
            Description = "ADDRESS:PORT to serve on (repeatable; default 169.254.170.23:80 and [fd00:ec2::23]:80)",
            AllowMultipleArgumentsPerToken = false,
        };
        var retention = new Option<string>("--max-credential-retention-before-renewal")
        {
            Description = "Longest time credentials are served from the cache before renewal (Go duration; 0 asks eks-auth every time)",
            DefaultValueFactory = _ => "3h",
        };
        var command = new Command("agent", "Serve EKS Pod Identity container credentials to this node's pods") { cluster, listen, retention };
        command.SetAction((parse, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            var retentionText = parse.GetValue(retention)!;
            if (!GoDuration.TryParse(retentionText, out var renewal))
            {
                throw new CliError($"--max-credential-retention-before-renewal: \"{retentionText}\" is not a duration such as 0s, 10m or 3h");
            }

            var endpoints = (parse.GetValue(listen) ?? []).Select(ParseListen).ToList();
            var options = new PodIdentityAgentOptions
            {
                BindHosts = endpoints.Count == 0 ? defaults.BindHosts : [.. endpoints.Select(e => e.Address.ToString())],
                Port = endpoints.Count == 0 ? defaults.Port : endpoints[0].Port,
                MaxCredentialRetention = renewal,
            };
            if (endpoints.Any(e => e.Port != options.Port))
            {
                throw new CliError("--listen: every address must use the same port, as the agent's one --port");
            }

            using var client = CliEnvironment.Client(parse);
            await using var server = await PodIdentityAgentServer.StartAsync(options, client.EksAuth(parse.GetValue(cluster)!),
                logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning), cancellationToken: cancellationToken);
            foreach (var address in server.Addresses)
            {
                Console.WriteLine($"pod identity agent: {address}/v1/credentials");
            }

            await server.WaitForShutdownAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

    /// <summary>An address with an explicit port (<c>127.0.0.1:8080</c>, <c>[::1]:80</c>).</summary>
    private static IPEndPoint ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.EndsWith(":" + endpoint.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            ? endpoint
            : throw new CliError($"--listen: \"{text}\" is not ADDRESS:PORT (an IPv6 address in brackets: [fd00:ec2::23]:80)");
}
