using System.CommandLine;
using Irsa.Server.Hosting;

namespace Irsa.Cli;

/// <summary>Resolves where things are, in a documented order: flag, then environment, then the data folder.</summary>
internal static class CliEnvironment
{
    public static string DataDirectory(ParseResult parse) =>
        parse.GetValue(CliOptions.Data) ?? Environment.GetEnvironmentVariable("IRSA_DATA") ?? Server.Hosting.DataDirectory.Default();

    /// <summary><c>--endpoint</c>, else <c>IRSA_ENDPOINT</c>, else the URL the running server recorded in the data folder.</summary>
    public static string Endpoint(ParseResult parse)
    {
        if ((parse.GetValue(CliOptions.Endpoint) ?? Environment.GetEnvironmentVariable("IRSA_ENDPOINT")) is { Length: > 0 } explicitEndpoint)
        {
            return explicitEndpoint.TrimEnd('/');
        }

        var data = new DataDirectory(DataDirectory(parse));
        return File.Exists(data.EndpointFile)
            ? File.ReadAllText(data.EndpointFile).Trim()
            : throw new CliError($"no Irsa server known: pass --endpoint, set IRSA_ENDPOINT, or start one with 'irsa up' (data folder {data.Root})");
    }
}
