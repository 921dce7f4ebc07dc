using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
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

var parse = root.Parse(args);
if (parse.Action is ParseErrorAction)
{
    // One line, like every other error (System.CommandLine would add the whole help text); the usage is one --help away.
    await Console.Error.WriteLineAsync(CliRunner.OneLine(
        $"irsa: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see '{CommandPath(parse.CommandResult)} --help')"));
    return 1;
}

return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

static string CommandPath(CommandResult result) =>
    result.Parent is CommandResult parent ? CommandPath(parent) + " " + result.Command.Name : result.Command.Name;
