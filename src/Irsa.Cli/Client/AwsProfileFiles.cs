namespace Irsa.Cli.Client;

/// <summary>
/// The AWS shared <c>credentials</c> and <c>config</c> files, read as the AWS CLI and SDKs read them: sections
/// <c>[NAME]</c> in the credentials file, <c>[default]</c> and <c>[profile NAME]</c> in the config file, keys case
/// insensitive, <c>#</c>/<c>;</c> comment lines, indented lines (nested settings such as <c>s3 =</c>) skipped, and
/// the credentials file winning when both files set a key of the same profile.
/// </summary>
/// <remarks>
/// Not AWSSDK.Core's <c>SharedCredentialsFile</c>, although it reads these files well: the .NET SDK ignores
/// <c>ca_bundle</c> (its <c>Properties</c> are internal), which the CLI needs to trust Irsa's local CA, and a second
/// reader for that one key could disagree with the first. The format is small and documented, and the CLI does not
/// load the SDK's 1 MB assembly on every start for it.
/// </remarks>
internal sealed class AwsProfileFiles(string credentialsFile, string configFile)
{
    public const string DefaultProfile = "default";

    public string CredentialsFile { get; } = credentialsFile;

    public string ConfigFile { get; } = configFile;

    /// <summary><c>AWS_SHARED_CREDENTIALS_FILE</c> and <c>AWS_CONFIG_FILE</c>, else <c>~/.aws/credentials</c> and <c>~/.aws/config</c>.</summary>
    public static AwsProfileFiles FromEnvironment()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new AwsProfileFiles(
            FileFromEnvironment("AWS_SHARED_CREDENTIALS_FILE", home) ?? Path.Combine(home, ".aws", "credentials"),
            FileFromEnvironment("AWS_CONFIG_FILE", home) ?? Path.Combine(home, ".aws", "config"));
    }

    /// <summary>The profile's settings from both files, or null when neither file has the profile.</summary>
    public IReadOnlyDictionary<string, string>? Profile(string name)
    {
        var config = Read(ConfigFile, isConfigFile: true);
        var credentials = Read(CredentialsFile, isConfigFile: false);
        var inConfig = config.TryGetValue(name, out var merged);
        var inCredentials = credentials.TryGetValue(name, out var secrets);
        if (!inConfig && !inCredentials)
        {
            return null;
        }

        merged ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in secrets ?? [])
        {
            merged[key] = value;
        }

        return merged;
    }

    private static Dictionary<string, Dictionary<string, string>> Read(string file, bool isConfigFile)
    {
        var profiles = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (!File.Exists(file))
        {
            return profiles;
        }

        Dictionary<string, string>? section = null;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' || char.IsWhiteSpace(raw[0]))
            {
                continue;
            }

            if (line[0] == '[')
            {
                // A repeated section adds to the first one.
                var name = ProfileName(line, isConfigFile);
                section = null;
                if (name is not null && !profiles.TryGetValue(name, out section))
                {
                    section = profiles[name] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is not null && equals > 0)
            {
                section[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return profiles;
    }

    /// <summary>The profile a section header names; null for other sections (<c>[sso-session x]</c>, <c>[services x]</c>).</summary>
    private static string? ProfileName(string header, bool isConfigFile)
    {
        var end = header.IndexOf(']', StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var name = header[1..end].Trim();
        if (!isConfigFile || name == DefaultProfile)
        {
            return name;
        }

        return name.StartsWith("profile ", StringComparison.Ordinal) ? name["profile ".Length..].Trim() : null;
    }

    private static string? FileFromEnvironment(string variable, string home) =>
        Environment.GetEnvironmentVariable(variable) switch
        {
            null or "" => null,
            ['~', '/', .. var rest] => Path.Combine(home, rest),
            var path => path,
        };
}
