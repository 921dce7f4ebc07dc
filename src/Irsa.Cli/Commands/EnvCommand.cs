using System.CommandLine;
using Irsa.Server.Hosting;

namespace Irsa.Cli.Commands;

/// <summary><c>irsa env</c>: prints the exports that point the AWS CLI and SDKs at this Irsa (<c>eval "$(irsa env)"</c>).</summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Print shell exports that point AWS CLIs and SDKs at Irsa");
        command.SetAction(parse => CliRunner.RunAsync(() =>
        {
            var data = new DataDirectory(CliEnvironment.DataDirectory(parse));
            if (!File.Exists(data.CredentialsFile))
            {
                throw new CliError($"no credentials in {data.Root}: start the server first with 'irsa up'");
            }

            Console.Write(ClientConfigFiles.ShellExports(data));
            return Task.FromResult(0);
        }));
        return command;
    }
}
