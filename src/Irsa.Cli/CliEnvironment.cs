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

    /// <summary>
    /// Builds the signed client: credentials from <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c> when set,
    /// else the admin profile Irsa wrote in the data folder.
    /// </summary>
    public static Client.IrsaClient Client(ParseResult parse)
    {
        var endpoint = Endpoint(parse);
        var data = new DataDirectory(DataDirectory(parse));
        var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? IniValue(data.ConfigFile, "region") ?? "us-east-1";
        SigV4.SigV4Credentials credentials;
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } keyId
            && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            credentials = new SigV4.SigV4Credentials(keyId, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
        }
        else
        {
            credentials = new SigV4.SigV4Credentials(
                IniValue(data.CredentialsFile, "aws_access_key_id") ?? throw new CliError($"no credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or start 'irsa up' with --data {data.Root}"),
                IniValue(data.CredentialsFile, "aws_secret_access_key") ?? throw new CliError($"{data.CredentialsFile} has no aws_secret_access_key"));
        }

        var handler = new HttpClientHandler();
        if (endpoint.StartsWith("https://", StringComparison.Ordinal) && File.Exists(data.CertificateAuthority))
        {
            // Trust Irsa's local CA (and only it, in addition to the system roots) for this client.
            var authority = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(data.CertificateAuthority));
            handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && chain is not null && ChainsTo(certificate, chain, authority));
        }

        return new Client.IrsaClient(new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(100) }, endpoint, credentials, region);
    }

    private static bool ChainsTo(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate,
        System.Security.Cryptography.X509Certificates.X509Chain presented, System.Security.Cryptography.X509Certificates.X509Certificate2 authority)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>The local CA file of the data folder, when there is one (for HTTPS endpoints).</summary>
    public static string? CertificateAuthorityFile(ParseResult parse)
    {
        var file = new DataDirectory(DataDirectory(parse)).CertificateAuthority;
        return File.Exists(file) ? file : null;
    }

    /// <summary>Reads one key from the first section of an AWS INI file (the files Irsa writes have one profile).</summary>
    private static string? IniValue(string file, string key) =>
        File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split('=', 2)).Where(p => p.Length == 2 && p[0].Trim() == key).Select(p => p[1].Trim()).FirstOrDefault()
            : null;
}
