using System.CommandLine;
using Irsa.Cli.Client;
using Irsa.Server.Hosting;
using Irsa.SigV4;

namespace Irsa.Cli;

/// <summary>
/// Resolves where things are, in a documented order: the flag, then the environment and the AWS profile (as AWS
/// clients resolve them), then the data folder's files.
/// </summary>
internal static class CliEnvironment
{
    private const string DefaultRegion = "us-east-1";

    public static string DataDirectory(ParseResult parse)
    {
        // An empty value is a mistake (an unset shell variable, say), not a request for the default folder.
        var folder = parse.GetValue(CliOptions.Data) is { } flag
            ? NotEmpty(flag, "--data")
            : Environment.GetEnvironmentVariable("IRSA_DATA") is { } variable
                ? NotEmpty(variable, "IRSA_DATA")
                : Server.Hosting.DataDirectory.Default();
        return Path.GetFullPath(folder);
    }

    /// <summary>
    /// Everything a signed call needs. Credentials: <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>
    /// (+<c>AWS_SESSION_TOKEN</c>), else the profile's keys (<c>--profile</c>, else <c>AWS_PROFILE</c>, else
    /// <c>default</c>, from <c>AWS_SHARED_CREDENTIALS_FILE</c> and <c>AWS_CONFIG_FILE</c>), else the admin profile Irsa
    /// wrote in the data folder. The endpoint, region and CA bundle come from the flags, the environment, the profile,
    /// then the data folder, the same way.
    /// </summary>
    public static ClientSettings Settings(ParseResult parse)
    {
        var data = new DataDirectory(DataDirectory(parse));
        var files = AwsProfileFiles.FromEnvironment();
        var selected = NonEmpty(parse.GetValue(CliOptions.Profile)) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE"));
        var profileName = selected ?? AwsProfileFiles.DefaultProfile;
        var profile = files.Profile(profileName);
        if (selected is not null && profile is null)
        {
            throw new CliError($"the config profile ({profileName}) could not be found in {files.ConfigFile} or {files.CredentialsFile}");
        }

        var dataProfile = new AwsProfileFiles(data.CredentialsFile, data.ConfigFile).Profile(ClientConfigFiles.Profile);
        var (credentials, source) = EnvironmentCredentials()
            ?? ProfileCredentials(profile, $"profile {profileName}", required: selected is not null)
            ?? ProfileCredentials(dataProfile, $"the data folder {data.Root}", required: false)
            ?? throw new CliError($"no credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE (eval \"$(irsa env)\"), "
                + $"or start 'irsa up' with --data {data.Root}");

        var region = NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? Setting(profile, "region") ?? Setting(dataProfile, "region") ?? DefaultRegion;
        var caBundle = NonEmpty(Environment.GetEnvironmentVariable("AWS_CA_BUNDLE")) ?? Setting(profile, "ca_bundle")
            ?? (File.Exists(data.CertificateAuthority) ? data.CertificateAuthority : null);
        return new ClientSettings(Endpoint(parse, profile, profileName, data), credentials, source, region, caBundle);
    }

    /// <summary>Builds the signed client from <see cref="Settings"/>.</summary>
    public static IrsaClient Client(ParseResult parse) => IrsaClient.Create(Settings(parse));

    /// <summary>
    /// <c>--endpoint</c>, else <c>IRSA_ENDPOINT</c>, else <c>AWS_ENDPOINT_URL</c>, else the profile's <c>endpoint_url</c>,
    /// else the URL the running server recorded in the data folder.
    /// </summary>
    private static string Endpoint(ParseResult parse, IReadOnlyDictionary<string, string>? profile, string profileName, DataDirectory data)
    {
        if (parse.GetValue(CliOptions.Endpoint) is { } flag)
        {
            return HttpUrl(flag, "--endpoint");
        }

        foreach (var variable in new[] { "IRSA_ENDPOINT", "AWS_ENDPOINT_URL" })
        {
            if (NonEmpty(Environment.GetEnvironmentVariable(variable)) is { } value)
            {
                return HttpUrl(value, variable);
            }
        }

        if (Setting(profile, "endpoint_url") is { } configured)
        {
            return HttpUrl(configured, $"endpoint_url of profile {profileName}");
        }

        return File.Exists(data.EndpointFile)
            ? HttpUrl(File.ReadAllText(data.EndpointFile).Trim(), data.EndpointFile)
            : throw new CliError($"no Irsa server known: pass --endpoint, set IRSA_ENDPOINT or AWS_PROFILE (eval \"$(irsa env)\"), "
                + $"or start one with 'irsa up' (data folder {data.Root})");
    }

    private static string HttpUrl(string value, string source) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment)
            ? url.AbsoluteUri.TrimEnd('/')
            : throw new CliError($"{source}: '{value}' is not an http:// or https:// URL");

    private static (SigV4Credentials, string)? EnvironmentCredentials()
    {
        var keyId = NonEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"));
        var secret = NonEmpty(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        return (keyId, secret) switch
        {
            (null, null) => null,
            ({ } id, { } key) => (new SigV4Credentials(id, key, NonEmpty(Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"))), "AWS_ACCESS_KEY_ID"),
            _ => throw new CliError("partial credentials in the environment: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither"),
        };
    }

    /// <summary>A profile's static keys; a profile chosen by name must have them, the implicit default may not.</summary>
    private static (SigV4Credentials, string)? ProfileCredentials(IReadOnlyDictionary<string, string>? profile, string source, bool required)
    {
        var keyId = Setting(profile, "aws_access_key_id");
        var secret = Setting(profile, "aws_secret_access_key");
        return (keyId, secret) switch
        {
            ({ } id, { } key) => (new SigV4Credentials(id, key, Setting(profile, "aws_session_token")), source),
            (null, null) when !required => null,
            _ => throw new CliError($"{source} has no aws_access_key_id and aws_secret_access_key (irsa signs with static keys only)"),
        };
    }

    private static string? Setting(IReadOnlyDictionary<string, string>? profile, string key) =>
        profile is not null && profile.TryGetValue(key, out var value) ? NonEmpty(value) : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string NotEmpty(string value, string source) =>
        NonEmpty(value) ?? throw new CliError($"{source} is empty: give a folder, or leave it out for {Server.Hosting.DataDirectory.Default()}");
}

/// <summary>Where the server is and how to call it, with where the credentials came from (for error messages).</summary>
internal sealed record ClientSettings(string Endpoint, SigV4Credentials Credentials, string CredentialSource, string Region, string? CaBundleFile);
