using System.CommandLine;
using Irsa.Cli.Commands;
using Irsa.Cli.Commands.Audit;
using Irsa.Cli.Commands.Cluster;
using Irsa.Cli.Commands.Iam;
using Irsa.Cli.Commands.Pod;

namespace Irsa.Cli;

/// <summary>Every verb, registered in one table (noun/verb layout: <c>irsa cluster create</c>).</summary>
internal static class CommandTable
{
    public static IEnumerable<Command> Build() =>
    [
        UpCommand.Create(),
        EnvCommand.Create(),
        ClusterCommands.Create(),
        KubeconfigCommand.Create(),
        IamCommands.Create(),
        AccountCommands.Create(),
        PodRunCommand.Create(),
        AuditCommands.Create(),
        Commands.Webhook.WebhookCommand.Create(),
        Commands.Node.NodeCommands.Create(),
    ];
}
