using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>The verbs find the server and the keys as an AWS client does: environment, then the profile, then the data folder.</summary>
public sealed class CliCredentialTests(IrsaProcess irsa) : IClassFixture<IrsaProcess>
{
    [Fact]
    public async Task The_exports_of_irsa_env_alone_are_enough()
    {
        var env = await irsa.IrsaAsync("env");
        Assert.True(env.ExitCode == 0, env.ToString());

        // Exactly what `eval "$(irsa env)"` leaves in a shell: no IRSA_DATA, no --data, a HOME without a data folder.
        var exports = new Dictionary<string, string?> { ["HOME"] = irsa.Home.FullName };
        foreach (var line in env.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (line["export ".Length..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            exports[name] = value.Trim('\'');
        }

        var list = await Tool.RunAsync(IrsaPath, ["cluster", "list"], exports);

        Assert.Equal(["AWS_CONFIG_FILE", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME"], exports.Keys.Order(StringComparer.Ordinal));
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"^NAME\s+STATUS\s+ISSUER\s+ENDPOINT", list.StandardOutput);
    }

    [Fact]
    public async Task A_profile_with_wrong_keys_gets_the_AWS_error_on_one_line()
    {
        var environment = WithProfiles("wrong", "[wrong]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = not-the-secret\n");

        var result = await Tool.RunAsync(IrsaPath, ["cluster", "list"], environment);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("irsa: ", line, StringComparison.Ordinal);
        Assert.Contains("The security token included in the request is invalid", line, StringComparison.Ordinal);
        Assert.Contains("profile wrong", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_keys_come_before_the_profile_and_the_profile_option_before_AWS_PROFILE()
    {
        var environment = WithProfiles("wrong", "[wrong]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = not-the-secret\n");

        var chosenByOption = await Tool.RunAsync(IrsaPath, ["cluster", "list", "--profile", "good"], environment);
        environment["AWS_PROFILE"] = "good";
        environment["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
        var environmentKeys = await Tool.RunAsync(IrsaPath, ["cluster", "list"], environment);

        Assert.True(chosenByOption.ExitCode == 0, chosenByOption.ToString());
        Assert.NotEqual(0, environmentKeys.ExitCode);
        Assert.Contains("(credentials from AWS_ACCESS_KEY_ID)", environmentKeys.StandardError, StringComparison.Ordinal);
    }

    private static string IrsaPath => Path.Combine(Tool.RepositoryRoot, "irsa");

    /// <summary>
    /// Config and credentials files of the user's own: profile <c>good</c> (the admin keys) and the given others, all
    /// pointing at the server through <c>endpoint_url</c>; no data folder is named.
    /// </summary>
    private Dictionary<string, string?> WithProfiles(string profile, string credentials)
    {
        var folder = Directory.CreateDirectory(Path.Combine(irsa.Home.FullName, "profiles-" + Guid.NewGuid().ToString("N"))).FullName;
        var admin = File.ReadAllLines(Path.Combine(irsa.DataDirectory, "credentials")).Where(l => l.StartsWith("aws_", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(folder, "credentials"), "[good]\n" + string.Join('\n', admin) + "\n\n" + credentials);
        var profiles = credentials.Split('\n').Where(l => l.StartsWith('[')).Select(l => l.Trim('[', ']')).Append("good");
        File.WriteAllText(Path.Combine(folder, "config"),
            string.Concat(profiles.Select(p => $"[profile {p}]\nregion = us-east-1\nendpoint_url = {irsa.Endpoint}\n\n")));
        return new Dictionary<string, string?>
        {
            ["HOME"] = irsa.Home.FullName,
            ["AWS_CONFIG_FILE"] = Path.Combine(folder, "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(folder, "credentials"),
            ["AWS_PROFILE"] = profile,
        };
    }
}
