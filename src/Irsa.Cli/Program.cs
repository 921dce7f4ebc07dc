using System.CommandLine;
using Irsa.Cli;

var root = new RootCommand("Irsa: IAM roles for service accounts, self-hosted.");
foreach (var option in CliOptions.Global)
{
    root.Options.Add(option);
}

foreach (var command in CommandTable.Build())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
