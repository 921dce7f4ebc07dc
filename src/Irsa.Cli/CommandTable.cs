using System.CommandLine;
using Irsa.Cli.Commands;

namespace Irsa.Cli;

/// <summary>Every verb, registered in one table (noun/verb layout: <c>irsa cluster create</c>).</summary>
internal static class CommandTable
{
    public static IEnumerable<Command> Build() =>
    [
        UpCommand.Create(),
        EnvCommand.Create(),
    ];
}
