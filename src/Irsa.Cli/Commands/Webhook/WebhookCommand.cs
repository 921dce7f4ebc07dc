using System.CommandLine;

namespace Irsa.Cli.Commands.Webhook;

/// <summary><c>irsa webhook</c>: the pod-identity admission webhook for a real Kubernetes cluster.</summary>
internal static class WebhookCommand
{
    public static Command Create() => new("webhook", "The pod-identity mutating admission webhook")
    {
        ServeCommand.Create(),
    };
}
