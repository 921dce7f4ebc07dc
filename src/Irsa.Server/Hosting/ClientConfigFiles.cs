using System.Text;
using Irsa.Core.Security;

namespace Irsa.Server.Hosting;

/// <summary>
/// Writes <c>DIR/credentials</c> and <c>DIR/config</c> (profile <c>irsa-admin</c>), so that
/// <c>AWS_CONFIG_FILE=DIR/config AWS_SHARED_CREDENTIALS_FILE=DIR/credentials AWS_PROFILE=irsa-admin aws ...</c>
/// reaches this server with no other flag.
/// </summary>
public static class ClientConfigFiles
{
    public const string Profile = "irsa-admin";

    public static void Write(DataDirectory data, string accessKeyId, string secretAccessKey, string region, string endpointUrl, bool https) =>
        WriteProfile(data, Profile, accessKeyId, secretAccessKey, region, endpointUrl, https);

    /// <summary>
    /// Writes profile <paramref name="name"/> into both files, replacing an earlier one of that name and keeping every other
    /// profile (the admin's is rewritten on each start; accounts added with <c>irsa account create</c> stay).
    /// </summary>
    public static void WriteProfile(DataDirectory data, string name, string accessKeyId, string secretAccessKey, string region, string endpointUrl, bool https)
    {
        ArgumentNullException.ThrowIfNull(data);
        PrivateFile.WriteAllText(data.CredentialsFile, ReplaceSection(ReadOrEmpty(data.CredentialsFile), name, new StringBuilder()
            .Append("aws_access_key_id = ").Append(accessKeyId).Append('\n')
            .Append("aws_secret_access_key = ").Append(secretAccessKey).Append('\n')
            .ToString()));

        var config = new StringBuilder()
            .Append("region = ").Append(region).Append('\n')
            .Append("endpoint_url = ").Append(endpointUrl).Append('\n')
            .Append("output = json\n");
        if (https)
        {
            config.Append("ca_bundle = ").Append(data.CertificateAuthority).Append('\n');
        }

        PrivateFile.WriteAllText(data.ConfigFile, ReplaceSection(ReadOrEmpty(data.ConfigFile), name == "default" ? name : "profile " + name, config.ToString()));
    }

    /// <summary>Whether either file already has profile <paramref name="name"/>.</summary>
    public static bool HasProfile(DataDirectory data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Headers(ReadOrEmpty(data.CredentialsFile)).Contains(name) || Headers(ReadOrEmpty(data.ConfigFile)).Contains("profile " + name);
    }

    private static string ReadOrEmpty(string file) => File.Exists(file) ? File.ReadAllText(file) : string.Empty;

    private static HashSet<string> Headers(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('[') && l.EndsWith(']')).Select(l => l[1..^1].Trim())];

    /// <summary>The file's text without section <c>[header]</c>, then that section with <paramref name="body"/>.</summary>
    private static string ReplaceSection(string text, string header, string body)
    {
        var kept = new StringBuilder();
        var skipping = false;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('['))
            {
                skipping = trimmed.EndsWith(']') && trimmed[1..^1].Trim() == header;
            }

            if (!skipping && line.Length > 0)
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.Append('[').Append(header).Append("]\n").Append(body).ToString();
    }

    /// <summary>The shell exports <c>irsa env</c> prints.</summary>
    public static string ShellExports(DataDirectory data) =>
        $"export AWS_CONFIG_FILE={Quote(data.ConfigFile)}\n" +
        $"export AWS_SHARED_CREDENTIALS_FILE={Quote(data.CredentialsFile)}\n" +
        $"export AWS_PROFILE={Profile}\n";

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
