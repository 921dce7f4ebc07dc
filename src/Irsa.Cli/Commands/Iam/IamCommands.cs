using System.CommandLine;

namespace Irsa.Cli.Commands.Iam;

/// <summary><c>irsa iam ...</c>: IRSA conveniences over Irsa's IAM API.</summary>
internal static class IamCommands
{
    public static Command Create()
    {
        var iam = new Command("iam", "IAM conveniences for IRSA");
        iam.Subcommands.Add(AssociateOidcProviderCommand.Create());
        iam.Subcommands.Add(CreateServiceAccountCommand.Create());
        return iam;
    }
}
