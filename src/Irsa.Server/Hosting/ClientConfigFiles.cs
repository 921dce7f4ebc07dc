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

    public static void Write(DataDirectory data, string accessKeyId, string secretAccessKey, string region, string endpointUrl, bool https)
    {
        PrivateFile.WriteAllText(data.CredentialsFile, new StringBuilder()
            .Append('[').Append(Profile).Append("]\n")
            .Append("aws_access_key_id = ").Append(accessKeyId).Append('\n')
            .Append("aws_secret_access_key = ").Append(secretAccessKey).Append('\n')
            .ToString());

        var config = new StringBuilder()
            .Append("[profile ").Append(Profile).Append("]\n")
            .Append("region = ").Append(region).Append('\n')
            .Append("endpoint_url = ").Append(endpointUrl).Append('\n')
            .Append("output = json\n");
        if (https)
        {
            config.Append("ca_bundle = ").Append(data.CertificateAuthority).Append('\n');
        }

        PrivateFile.WriteAllText(data.ConfigFile, config.ToString());
    }

    /// <summary>The shell exports <c>irsa env</c> prints.</summary>
    public static string ShellExports(DataDirectory data) =>
        $"export AWS_CONFIG_FILE={Quote(data.ConfigFile)}\n" +
        $"export AWS_SHARED_CREDENTIALS_FILE={Quote(data.CredentialsFile)}\n" +
        $"export AWS_PROFILE={Profile}\n";

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
