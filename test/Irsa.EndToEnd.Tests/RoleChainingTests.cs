using System.Text.Json.Nodes;
using Amazon.SecurityToken;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// Two accounts on one server (<c>irsa account create</c>): account A's pod role, and a role of account "partner" trusting it.
/// Shared-config files written as a user writes them: <c>[profile webid]</c> with <c>role_arn</c> and <c>web_identity_token_file</c>
/// (a real projected token of a live pod), <c>[profile target]</c> with <c>role_arn</c> and <c>source_profile = webid</c>, and
/// <c>[profile admin-target]</c> chaining from static keys.
/// </summary>
public sealed class RoleChaining : IAsyncLifetime
{
    public IrsaProcess Irsa { get; } = new();

    public string AppRoleArn { get; private set; } = "";

    public string PartnerAccount { get; private set; } = "";

    public string PartnerRoleArn { get; private set; } = "";

    /// <summary>A partner role whose trust names nobody in account A.</summary>
    public string ClosedRoleArn { get; private set; } = "";

    /// <summary>Holds <c>config</c> and <c>credentials</c> (the .NET SDK reads the config file beside the credentials file).</summary>
    public string ProfileDirectory { get; private set; } = "";

    public Dictionary<string, string?> PartnerEnvironment => new(Irsa.AdminEnvironment) { ["AWS_PROFILE"] = "partner" };

    public async Task InitializeAsync()
    {
        await Irsa.InitializeAsync();
        await Ok(Irsa.IrsaAsync("cluster", "create", "chain"));
        await Ok(Irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "chain"));
        var policy = Path.Combine(Irsa.Home.FullName, "assume.json");
        await File.WriteAllTextAsync(policy, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""");
        var app = await Ok(Irsa.IrsaAsync("iam", "create-service-account", "--cluster", "chain", "--name", "app", "--role-name", "app",
            "--policy-file", policy, "--output", "json"));
        AppRoleArn = JsonNode.Parse(app.StandardOutput)!["RoleArn"]!.GetValue<string>();
        var adminAccount = AppRoleArn.Split(':')[4];

        var partner = await Ok(Irsa.IrsaAsync("account", "create", "partner", "--output", "json"));
        PartnerAccount = JsonNode.Parse(partner.StandardOutput)!["AccountId"]!.GetValue<string>();
        var trust = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["{{AppRoleArn}}","arn:aws:iam::{{adminAccount}}:root"]},"Action":"sts:AssumeRole"}]}""";
        var created = await Ok(Tool.RunAsync("aws", ["iam", "create-role", "--role-name", "partner-reader", "--assume-role-policy-document", trust], PartnerEnvironment));
        PartnerRoleArn = JsonNode.Parse(created.StandardOutput)!["Role"]!["Arn"]!.GetValue<string>();
        var closed = await Ok(Tool.RunAsync("aws", ["iam", "create-role", "--role-name", "closed", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"""],
            PartnerEnvironment));
        ClosedRoleArn = JsonNode.Parse(closed.StandardOutput)!["Role"]!["Arn"]!.GetValue<string>();

        ProfileDirectory = Path.Combine(Irsa.Home.FullName, "profiles");
        Directory.CreateDirectory(ProfileDirectory);
        var tokenFile = Path.Combine(ProfileDirectory, "token");
        await File.WriteAllTextAsync(tokenFile, await PodTokenAsync());
        var admin = File.ReadAllLines(Path.Combine(Irsa.DataDirectory, "credentials")).SkipWhile(l => l.Trim() != "[irsa-admin]").Skip(1).Take(2);
        await File.WriteAllTextAsync(Path.Combine(ProfileDirectory, "credentials"), "[admin]\n" + string.Join('\n', admin) + "\n");
        await File.WriteAllTextAsync(Path.Combine(ProfileDirectory, "config"), $"""
            [profile webid]
            role_arn = {AppRoleArn}
            web_identity_token_file = {tokenFile}
            role_session_name = webid
            region = us-east-1

            [profile target]
            role_arn = {PartnerRoleArn}
            source_profile = webid
            role_session_name = chained
            region = us-east-1

            [profile admin-target]
            role_arn = {PartnerRoleArn}
            source_profile = admin
            role_session_name = from-admin
            region = us-east-1

            [profile admin]
            region = us-east-1

            """);
    }

    /// <summary>A shared-config user: these files, the STS endpoint, a throw-away HOME (so the CLI's credential cache starts empty).</summary>
    public Dictionary<string, string?> ProfileEnvironment(string profile) => new()
    {
        ["HOME"] = Directory.CreateTempSubdirectory("irsa-chain-home-").FullName,
        ["AWS_CONFIG_FILE"] = Path.Combine(ProfileDirectory, "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(ProfileDirectory, "credentials"),
        ["AWS_PROFILE"] = profile,
        ["AWS_ENDPOINT_URL"] = Irsa.Endpoint,
        ["AWS_ENDPOINT_URL_STS"] = Irsa.Endpoint,
    };

    public Task DisposeAsync() => Irsa.DisposeAsync();

    public static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>A projected token of a live pod of service account <c>app</c>, as the kubelet would write it.</summary>
    private async Task<string> PodTokenAsync()
    {
        using var kube = await KubeApi.FromKubeconfigAsync(Irsa, "chain");
        var (podStatus, pod) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "chain-app" },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = "app",
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "app" }),
            },
        });
        Assert.True(podStatus == 201, pod.ToJsonString());
        var (status, request) = await kube.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/app/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray("sts.amazonaws.com"),
                ["expirationSeconds"] = 86400,
                ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "chain-app", ["uid"] = pod["metadata"]!["uid"]!.GetValue<string>() },
            },
        });
        Assert.True(status == 201, request.ToJsonString());
        return request["status"]!["token"]!.GetValue<string>();
    }
}

public sealed class RoleChainingTests(RoleChaining chain) : IClassFixture<RoleChaining>
{
    private string PartnerSession(string session) => $"arn:aws:sts::{chain.PartnerAccount}:assumed-role/partner-reader/{session}";

    [Fact]
    public async Task Boto3_follows_source_profile_from_a_web_identity_profile_into_the_partner_account()
    {
        var result = await RoleChaining.Ok(Tool.RunAsync("python3", ["-c",
            "import boto3, json; print(json.dumps(boto3.Session().client('sts').get_caller_identity()['Arn']))"], chain.ProfileEnvironment("target")));
        Assert.Equal(PartnerSession("chained"), JsonNode.Parse(result.StandardOutput)!.GetValue<string>());
    }

    [Fact]
    public async Task Aws_cli_follows_source_profile_from_web_identity_and_from_static_keys()
    {
        var fromWebIdentity = await RoleChaining.Ok(Tool.RunAsync("aws", ["sts", "get-caller-identity"], chain.ProfileEnvironment("target")));
        var fromKeys = await RoleChaining.Ok(Tool.RunAsync("aws", ["sts", "get-caller-identity"], chain.ProfileEnvironment("admin-target")));

        Assert.Equal(PartnerSession("chained"), JsonNode.Parse(fromWebIdentity.StandardOutput)!["Arn"]!.GetValue<string>());
        Assert.Equal(PartnerSession("from-admin"), JsonNode.Parse(fromKeys.StandardOutput)!["Arn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dotnet_sdk_profile_chain_assumes_the_partner_role_from_the_web_identity_profile()
    {
        // A fresh process, as an application starts: the SDK reads the shared config files once per process (a path it
        // finds missing on first use stays missing), so an in-process client would see whatever an earlier test set.
        var script = Path.Combine(chain.ProfileDirectory, "whoami.fsx");
        await File.WriteAllTextAsync(script, $$"""
            #r @"{{typeof(Amazon.Runtime.AWSCredentials).Assembly.Location}}"
            #r @"{{typeof(AmazonSecurityTokenServiceClient).Assembly.Location}}"
            let sts = new Amazon.SecurityToken.AmazonSecurityTokenServiceClient()
            let identity = sts.GetCallerIdentityAsync(Amazon.SecurityToken.Model.GetCallerIdentityRequest()).Result
            printfn "%s %s" identity.Arn identity.Account
            """);

        var result = await RoleChaining.Ok(Tool.RunAsync("dotnet", ["fsi", "--quiet", script], chain.ProfileEnvironment("target")));

        Assert.Equal($"{PartnerSession("chained")} {chain.PartnerAccount}", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_pod_chains_across_accounts_and_the_partner_trail_still_names_the_pod()
    {
        var script = $"""
            export HOME="$(mktemp -d)"
            aws sts assume-role --role-arn {chain.PartnerRoleArn} --role-session-name from-pod --output json > "$HOME/c.json" || exit 3
            export AWS_ACCESS_KEY_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Credentials"]["AccessKeyId"])' "$HOME/c.json")"
            export AWS_SECRET_ACCESS_KEY="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Credentials"]["SecretAccessKey"])' "$HOME/c.json")"
            export AWS_SESSION_TOKEN="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Credentials"]["SessionToken"])' "$HOME/c.json")"
            unset AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
            echo "$AWS_ACCESS_KEY_ID"
            aws sts get-caller-identity --output json
            """;
        var result = await RoleChaining.Ok(chain.Irsa.IrsaAsync("pod", "run", "--cluster", "chain", "--service-account", "app", "--", "sh", "-c", script));
        var lines = result.StandardOutput.Split('\n', 2);
        var keyId = lines[0].Trim();
        Assert.Equal(PartnerSession("from-pod"), JsonNode.Parse(lines[1])!["Arn"]!.GetValue<string>());

        var lookup = await RoleChaining.Ok(Tool.RunAsync("aws", ["cloudtrail", "lookup-events", "--lookup-attributes",
            $"AttributeKey=AccessKeyId,AttributeValue={keyId}"], chain.PartnerEnvironment));
        var record = JsonNode.Parse(lookup.StandardOutput)!["Events"]!.AsArray()
            .Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!)
            .Single(r => r["eventName"]!.GetValue<string>() == "GetCallerIdentity");
        Assert.Equal("AssumedRole", record["userIdentity"]!["type"]!.GetValue<string>());
        Assert.Equal(chain.PartnerRoleArn, record["userIdentity"]!["sessionContext"]!["sessionIssuer"]!["arn"]!.GetValue<string>());
        Assert.Null(record["userIdentity"]!["sessionContext"]!["webIdFederationData"]);
        var kubernetes = record["additionalEventData"]!["kubernetes"]!;
        Assert.Equal("app", kubernetes["serviceAccount"]!.GetValue<string>());
        Assert.Equal("default", kubernetes["namespace"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(kubernetes["podName"]?.GetValue<string>()));
    }

    [Fact]
    public async Task From_a_pod_a_role_that_does_not_trust_it_is_denied_and_a_chained_session_cannot_exceed_an_hour()
    {
        var denied = await chain.Irsa.IrsaAsync("pod", "run", "--cluster", "chain", "--service-account", "app", "--", "sh", "-c",
            $"export HOME=\"$(mktemp -d)\"; exec aws sts assume-role --role-arn {chain.ClosedRoleArn} --role-session-name no");
        var tooLong = await chain.Irsa.IrsaAsync("pod", "run", "--cluster", "chain", "--service-account", "app", "--", "sh", "-c",
            $"export HOME=\"$(mktemp -d)\"; exec aws sts assume-role --role-arn {chain.PartnerRoleArn} --role-session-name long --duration-seconds 7200");

        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::", denied.StandardError, StringComparison.Ordinal);
        Assert.Contains($"is not authorized to perform: sts:AssumeRole on resource: {chain.ClosedRoleArn}", denied.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, tooLong.ExitCode);
        Assert.Contains("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", tooLong.StandardError,
            StringComparison.Ordinal);
    }
}
