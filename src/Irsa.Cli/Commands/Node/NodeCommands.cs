using System.CommandLine;

namespace Irsa.Cli.Commands.Node;

/// <summary><c>irsa node</c>: what a Kubernetes node runs beside the kubelet.</summary>
internal static class NodeCommands
{
    public static Command Create() => new("node", "Node components")
    {
        AgentCommand.Create(),
    };
}
