using System.CommandLine;

namespace Irsa.Cli;

/// <summary>Options every verb understands: where the data folder and the server are, and how to print.</summary>
internal static class CliOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = "Irsa's data folder (default: $IRSA_DATA or ~/.local/share/irsa)",
        Recursive = true,
    };

    public static readonly Option<string?> Endpoint = new("--endpoint")
    {
        Description = "Irsa server URL (default: $IRSA_ENDPOINT, else the running server recorded in the data folder)",
        Recursive = true,
    };

    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "AWS profile with Irsa's endpoint and keys (default: $AWS_PROFILE, else default, else the data folder's admin profile)",
        Recursive = true,
    };

    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "Output format: json or table",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    public static IEnumerable<Option> Global => [Data, Endpoint, Profile, Output];

    static CliOptions() => Output.AcceptOnlyFromAmong("json", "table");
}
