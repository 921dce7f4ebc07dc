using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// <c>irsa up</c> at its most verbose (Trace, JSON lines) through the README's flows, allowed and denied, then every line
/// it wrote is searched for every secret those flows used: no credential, token, signature or key may reach a log.
/// </summary>
public sealed class NoSecretInLogsTests : IAsyncLifetime
{
    private readonly IrsaProcess _irsa = new() { ExtraArguments = ["--log-level", "Trace", "--log-format", "json"] };
    private readonly List<string> _secrets = [];

    public Task InitializeAsync() => _irsa.InitializeAsync();

    public Task DisposeAsync() => _irsa.DisposeAsync();

    [Fact]
    public async Task Main_flows_at_trace_level_log_json_lines_without_any_secret()
    {
        // The admin's long-term secret and the master key, as they sit in the data folder.
        var credentials = await File.ReadAllLinesAsync(Path.Combine(_irsa.DataDirectory, "credentials"));
        AddSecret(credentials.Select(l => l.Split('=', 2)).Single(p => p[0].Trim() == "aws_secret_access_key")[1].Trim());
        var masterKey = (await File.ReadAllTextAsync(Path.Combine(_irsa.DataDirectory, "master.key"))).Trim();
        AddSecret(masterKey);
        AddSecret(Convert.ToHexString(Convert.FromBase64String(masterKey)));

        await Ok(_irsa.IrsaAsync("cluster", "create", "demo"));
        await Ok(_irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "demo"));
        var policy = Path.Combine(_irsa.Home.FullName, "caller.json");
        await File.WriteAllTextAsync(policy, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}""");
        await Ok(_irsa.IrsaAsync("iam", "create-service-account", "--cluster", "demo", "--name", "reader", "--role-name", "reader", "--policy-file", policy));
        var roleArn = $"arn:aws:iam::{AccountId()}:role/reader";

        // The kubeconfig's admin token, used against the cluster's Kubernetes API: once as issued, once with a forged signature.
        var kubeconfig = await Ok(_irsa.IrsaAsync("kubeconfig", "--cluster", "demo"));
        string Kubeconfig(string key) => kubeconfig.StandardOutput.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(key + ": ", StringComparison.Ordinal))[(key.Length + 2)..];
        var adminToken = Kubeconfig("token");
        AddToken(adminToken);
        var forgedAdminToken = Forge(adminToken);
        AddToken(forgedAdminToken);
        Assert.Equal(HttpStatusCode.OK, await KubeGetAsync(Kubeconfig("server"), Kubeconfig("certificate-authority-data"), adminToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await KubeGetAsync(Kubeconfig("server"), Kubeconfig("certificate-authority-data"), forgedAdminToken));

        // An intruder's service account claiming the reader's role: STS must deny it (the trust policy pins reader's sub).
        var (created, _) = await new KubeApi(Kubeconfig("server"), adminToken, Kubeconfig("certificate-authority-data")).SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts",
            new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ServiceAccount",
                ["metadata"] = new JsonObject { ["name"] = "intruder", ["annotations"] = new JsonObject { ["eks.amazonaws.com/role-arn"] = roleArn } },
            });
        Assert.Equal(201, created);

        // Inside a pod: the projected token, the credentials AssumeRoleWithWebIdentity issues for it, and the SDK chain's own call.
        var pod = await Ok(PodRunAsync("reader", "sh", "-c",
            """
            cat "$AWS_WEB_IDENTITY_TOKEN_FILE"; echo
            aws sts assume-role-with-web-identity --role-arn "$AWS_ROLE_ARN" --role-session-name logged --web-identity-token "$(cat "$AWS_WEB_IDENTITY_TOKEN_FILE")" --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text
            aws sts get-caller-identity --query Arn --output text
            """));
        var lines = pod.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var podToken = lines[0];
        AddToken(podToken);
        var issued = lines[1].Split('\t');
        Assert.StartsWith("ASIA", issued[0], StringComparison.Ordinal);
        AddSecret(issued[1]);
        AddSecret(issued[2]);
        Assert.Contains(":assumed-role/reader/", lines[2], StringComparison.Ordinal);

        // The issued session used from outside: allowed for GetCallerIdentity, denied (at Debug, with its check id) for IAM.
        var session = new Dictionary<string, string?>
        {
            ["HOME"] = _irsa.Home.FullName,
            ["AWS_ACCESS_KEY_ID"] = issued[0],
            ["AWS_SECRET_ACCESS_KEY"] = issued[1],
            ["AWS_SESSION_TOKEN"] = issued[2],
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = _irsa.Endpoint,
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        };
        await Ok(Tool.RunAsync("aws", ["sts", "get-caller-identity"], session));
        var listRoles = await Tool.RunAsync("aws", ["iam", "list-roles"], session);
        Assert.Contains("AccessDenied", listRoles.StandardError, StringComparison.Ordinal);

        // A denied AssumeRoleWithWebIdentity: the intruder's token against the reader's role. A fresh HOME, because the
        // AWS CLI caches web-identity credentials by role, not by token, and would answer with the reader's.
        var intruder = await PodRunAsync("intruder", "sh", "-c", "cat \"$AWS_WEB_IDENTITY_TOKEN_FILE\"; echo; HOME=\"$(mktemp -d)\" aws sts get-caller-identity");
        Assert.True(intruder.ExitCode != 0, intruder.ToString());
        Assert.Contains("AccessDenied", intruder.StandardError, StringComparison.Ordinal);
        AddToken(intruder.StandardOutput.Split('\n')[0].Trim());

        // A bad signature: the reader's token with its signature forged.
        var forged = Forge(podToken);
        AddToken(forged);
        var (status, body) = await AssumeRoleWithWebIdentityAsync(roleArn, forged);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("InvalidIdentityToken", body, StringComparison.Ordinal);

        await _irsa.StopAsync(15);
        var stdout = _irsa.StandardOutputLines.ToList();
        var log = _irsa.StandardErrorLines.ToList();

        // The startup lines stay on stdout; the log is on stderr, one JSON object per line, and says something.
        Assert.Contains(stdout, l => l.StartsWith("Irsa is up at ", StringComparison.Ordinal));
        var events = log.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return (Id: document.RootElement.GetProperty("EventId").GetInt32(), Level: document.RootElement.GetProperty("LogLevel").GetString(),
                Message: document.RootElement.GetProperty("Message").GetString() ?? "");
        }).ToList();
        Assert.Contains(events, e => e is { Id: 1000, Level: "Information" });
        Assert.Contains(events, e => e is { Id: 1004, Level: "Information" });
        Assert.Contains(events, e => e is { Id: 1006, Level: "Information" });
        Assert.Contains(events, e => e is { Id: 1200, Level: "Information" });
        Assert.Contains(events, e => e is { Id: 3000, Level: "Information" });
        Assert.Contains(events, e => e.Id == 1101 && e.Message.Contains("iam:ListRoles", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Id == 1101 && e.Message.Contains("AssumeRoleWithWebIdentity", StringComparison.Ordinal));

        foreach (var secret in _secrets)
        {
            Assert.True(secret.Length >= 16, "a secret this short would match by chance");
            foreach (var line in stdout.Concat(log))
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..4]}…) reached the output: {line}");
            }
        }
    }

    private void AddSecret(string secret) => _secrets.Add(secret);

    /// <summary>A JWS is a secret as a whole and by its signature, which alone could be replayed with a known header and payload.</summary>
    private void AddToken(string token)
    {
        Assert.Equal(3, token.Split('.').Length);
        _secrets.Add(token);
        _secrets.Add(token.Split('.')[2]);
    }

    /// <summary>The token with its signature replaced by another of the same length (still well-formed base64url).</summary>
    private static string Forge(string token)
    {
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        for (var i = 0; i < signature.Length - 1; i++)
        {
            signature[i] = signature[i] == 'A' ? 'B' : 'A';
        }

        return $"{parts[0]}.{parts[1]}.{new string(signature)}";
    }

    private string AccountId()
    {
        var line = _irsa.StandardOutputLines.First(l => l.StartsWith("Irsa is up at ", StringComparison.Ordinal));
        var start = line.IndexOf("(account ", StringComparison.Ordinal) + "(account ".Length;
        return line[start..(start + 12)];
    }

    private Task<ToolResult> PodRunAsync(string serviceAccount, params string[] command) =>
        _irsa.IrsaAsync(["pod", "run", "--cluster", "demo", "--service-account", serviceAccount, "--", .. command]);

    private static async Task<HttpStatusCode> KubeGetAsync(string server, string certificateAuthorityData, string token)
    {
        using var http = new HttpClient(KubeApi.TrustingOnly(certificateAuthorityData));
        using var request = new HttpRequestMessage(HttpMethod.Get, server + "/api/v1/namespaces/default/serviceaccounts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<(HttpStatusCode Status, string Body)> AssumeRoleWithWebIdentityAsync(string roleArn, string token)
    {
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = "forged",
            ["WebIdentityToken"] = token,
        });
        using var response = await http.PostAsync(_irsa.Endpoint + "/", content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            // Should the forgery ever pass, its credentials are secrets too (and the status assertion fails anyway).
            foreach (var element in XDocument.Parse(body).Descendants().Where(e => e.Name.LocalName is "SecretAccessKey" or "SessionToken"))
            {
                AddSecret(element.Value);
            }
        }

        return (response.StatusCode, body);
    }

    private static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
