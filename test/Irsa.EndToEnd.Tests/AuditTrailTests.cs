using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The README's demo, then its CloudTrail trail read back with unmodified clients: <c>aws cloudtrail lookup-events</c>
/// finds the pod's calls as AWS writes them, and <c>irsa audit explain</c> says why a call was refused.
/// </summary>
public sealed partial class AuditTrailTests(HeadlineDemo demo) : IClassFixture<HeadlineDemo>
{
    [Fact]
    public async Task Lookup_events_returns_the_pods_assume_and_its_later_call_as_aws_writes_them()
    {
        // The pod prints its projected token (to learn the pod's uid), then calls STS with botocore's debug log (request ids).
        var pod = await demo.PodRunAsync("reader", "sh", "-c", "cat \"$AWS_WEB_IDENTITY_TOKEN_FILE\"; echo; aws sts get-caller-identity --debug");
        Assert.True(pod.ExitCode == 0, pod.ToString());
        var token = pod.StandardOutput.Split('\n')[0].Trim();
        var podClaims = JsonNode.Parse(FromBase64Url(token.Split('.')[1]))!["kubernetes.io"]!["pod"]!;
        var requestIds = RequestIdHeader().Matches(pod.StandardError).Select(m => m.Groups[1].Value).ToList();
        Assert.True(requestIds.Count >= 2, pod.StandardError);
        var (assumeRequestId, callRequestId) = (requestIds[0], requestIds[^1]);
        var secret = SecretAccessKey().Match(pod.StandardError).Groups[1].Value;
        Assert.NotEmpty(secret);
        var provider = await demo.Irsa.IrsaAsync("iam", "associate-oidc-provider", "--cluster", "demo", "--output", "json");
        var providerArn = JsonNode.Parse(provider.StandardOutput)!["OpenIDConnectProviderArn"]!.GetValue<string>();
        const string subject = "system:serviceaccount:default:reader";

        var byName = await demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes",
            "AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity");
        Assert.True(byName.ExitCode == 0, byName.ToString());
        var assume = Records(byName.StandardOutput).Single(r => r["requestID"]!.GetValue<string>() == assumeRequestId);
        var accessKeyId = assume["responseElements"]!["credentials"]!["accessKeyId"]!.GetValue<string>();
        var byKey = await demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey=AccessKeyId,AttributeValue={accessKeyId}");
        Assert.True(byKey.ExitCode == 0, byKey.ToString());
        var call = Records(byKey.StandardOutput).Single(r => r["requestID"]!.GetValue<string>() == callRequestId);

        Assert.Equal("WebIdentityUser", assume["userIdentity"]!["type"]!.GetValue<string>());
        Assert.Equal($"{providerArn}:sts.amazonaws.com:{subject}", assume["userIdentity"]!["principalId"]!.GetValue<string>());
        Assert.Equal(subject, assume["userIdentity"]!["userName"]!.GetValue<string>());
        Assert.Equal(providerArn, assume["userIdentity"]!["identityProvider"]!.GetValue<string>());
        Assert.Equal("sts.amazonaws.com", assume["eventSource"]!.GetValue<string>());
        Assert.Equal(demo.ReaderRoleArn, assume["requestParameters"]!["roleArn"]!.GetValue<string>());
        Assert.StartsWith("ASIA", accessKeyId, StringComparison.Ordinal);

        Assert.Equal("GetCallerIdentity", call["eventName"]!.GetValue<string>());
        Assert.Equal("AssumedRole", call["userIdentity"]!["type"]!.GetValue<string>());
        Assert.Equal(accessKeyId, call["userIdentity"]!["accessKeyId"]!.GetValue<string>());
        Assert.Equal(demo.ReaderRoleArn, call["userIdentity"]!["sessionContext"]!["sessionIssuer"]!["arn"]!.GetValue<string>());
        Assert.Equal("Role", call["userIdentity"]!["sessionContext"]!["sessionIssuer"]!["type"]!.GetValue<string>());
        Assert.Equal(providerArn, call["userIdentity"]!["sessionContext"]!["webIdFederationData"]!["federatedProvider"]!.GetValue<string>());

        foreach (var record in new[] { assume, call })
        {
            var kubernetes = record["additionalEventData"]!["kubernetes"]!;
            Assert.Equal(podClaims["name"]!.GetValue<string>(), kubernetes["podName"]!.GetValue<string>());
            Assert.Equal(podClaims["uid"]!.GetValue<string>(), kubernetes["podUid"]!.GetValue<string>());
            Assert.Equal("reader", kubernetes["serviceAccount"]!.GetValue<string>());
        }

        // Neither the token nor the secret key (nor the session token, which embeds neither but is a credential) is recorded.
        var everything = byName.StandardOutput + byKey.StandardOutput;
        Assert.DoesNotContain(token.Split('.')[2], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sessionToken", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secretAccessKey", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Lookup_events_errors_come_back_in_cloudtrails_dialect()
    {
        var tooMany = await demo.Irsa.AwsAsync("cloudtrail", "lookup-events", "--max-results", "51");
        var keys = await demo.Irsa.AwsAsync("cloudtrail", "list-public-keys");

        Assert.Contains("InvalidMaxResultsException", tooMany.StandardError, StringComparison.Ordinal);
        Assert.True(keys.ExitCode == 0, keys.ToString());
        Assert.Matches("^[0-9a-f]{32}$", JsonNode.Parse(keys.StandardOutput)!["PublicKeyList"]![0]!["Fingerprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Explain_names_the_sub_values_a_trust_policy_compared()
    {
        var pod = await demo.IntruderCallAsync();
        Assert.True(pod.ExitCode != 0, pod.ToString());
        // The request id as an operator finds it: the newest failed assume of that service account.
        var failed = await demo.Irsa.IrsaAsync("audit", "lookup", "--errors", "--event-name", "AssumeRoleWithWebIdentity", "--output", "json");
        Assert.True(failed.ExitCode == 0, failed.ToString());
        var requestId = JsonNode.Parse(failed.StandardOutput)!["Records"]!.AsArray()
            .First(r => r!["CloudTrailEvent"]!.GetValue<string>().Contains("system:serviceaccount:default:intruder", StringComparison.Ordinal))!["RequestId"]!.GetValue<string>();

        var explained = await demo.Irsa.IrsaAsync("audit", "explain", requestId);

        Assert.True(explained.ExitCode == 0, explained.ToString());
        Assert.Contains("AccessDenied", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(":sub", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("system:serviceaccount:default:intruder", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("system:serviceaccount:default:reader", explained.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_says_a_tokens_issuer_is_unknown()
    {
        const string issuer = "https://issuer.invalid/unknown";
        var token = string.Join('.', Base64Url("""{"alg":"RS256","kid":"k"}"""),
            Base64Url($$"""{"iss":"{{issuer}}","sub":"system:serviceaccount:default:ghost","aud":"sts.amazonaws.com","exp":4102444800,"iat":1700000000}"""),
            Base64Url("not a signature"));
        var assume = await demo.Irsa.AwsAsync("sts", "assume-role-with-web-identity", "--role-arn", demo.ReaderRoleArn, "--role-session-name", "ghost",
            "--web-identity-token", token, "--debug");
        Assert.NotEqual(0, assume.ExitCode);
        var requestId = RequestIdHeader().Match(assume.StandardError).Groups[1].Value;

        var explained = await demo.Irsa.IrsaAsync("audit", "explain", requestId);

        Assert.True(explained.ExitCode == 0, explained.ToString());
        Assert.Contains("UnknownIssuer", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(issuer, explained.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_lists_failed_calls_and_explain_says_when_a_call_succeeded()
    {
        var pod = await demo.IntruderCallAsync();
        Assert.NotEqual(0, pod.ExitCode);

        var errors = await demo.Irsa.IrsaAsync("audit", "lookup", "--errors", "--event-name", "AssumeRoleWithWebIdentity", "--output", "json");
        var table = await demo.Irsa.IrsaAsync("audit", "lookup", "--errors", "--limit", "5");
        var succeeded = await demo.Irsa.IrsaAsync("audit", "lookup", "--event-name", "CreateRole", "--limit", "1", "--output", "json");
        var succeededId = JsonNode.Parse(succeeded.StandardOutput)!["Records"]![0]!["RequestId"]!.GetValue<string>();
        var explained = await demo.Irsa.IrsaAsync("audit", "explain", succeededId);
        var unknown = await demo.Irsa.IrsaAsync("audit", "explain", "00000000-0000-0000-0000-000000000000");
        var badLimit = await demo.Irsa.IrsaAsync("audit", "lookup", "--limit", "0");

        Assert.True(errors.ExitCode == 0, errors.ToString());
        var records = JsonNode.Parse(errors.StandardOutput)!["Records"]!.AsArray();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal("AccessDenied", r!["ErrorCode"]!.GetValue<string>()));
        Assert.Contains("AccessDenied", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("succeeded", explained.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Single(unknown.StandardError.Trim().Split('\n'));
        Assert.NotEqual(0, badLimit.ExitCode);
        Assert.Single(badLimit.StandardError.Trim().Split('\n'));
    }

    [Fact]
    public async Task Tail_follow_prints_new_calls_until_interrupted()
    {
        const int SigInt = 2;
        var output = new StringBuilder();
        using var tail = Process.Start(Tool.StartInfo(Path.Combine(Tool.RepositoryRoot, "irsa"),
            ["audit", "tail", "--follow", "-n", "1", "--event-name", "GetCallerIdentity"], demo.Irsa.AdminEnvironment))!;
        tail.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        tail.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        tail.BeginOutputReadLine();
        tail.BeginErrorReadLine();

        var call = await demo.Irsa.AwsAsync("sts", "get-caller-identity", "--debug");
        var requestId = RequestIdHeader().Match(call.StandardError).Groups[1].Value;
        Assert.NotEmpty(requestId);
        for (var waited = 0; waited < 600 && !Text(output).Contains(requestId, StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, Tool.Signal(tail.Id, SigInt));
        await tail.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Contains(requestId, Text(output), StringComparison.Ordinal);
        Assert.Single(Text(output).Split('\n'), line => line.Contains(requestId, StringComparison.Ordinal));
        Assert.NotEqual(0, tail.ExitCode);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static List<JsonNode> Records(string lookupOutput) =>
        [.. JsonNode.Parse(lookupOutput)!["Events"]!.AsArray().Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!)];

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string encoded)
    {
        var padded = encoded.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=')));
    }

    [GeneratedRegex("'x-amzn-RequestId': '([0-9a-f-]{36})'")]
    private static partial Regex RequestIdHeader();

    [GeneratedRegex("<SecretAccessKey>([^<]+)</SecretAccessKey>")]
    private static partial Regex SecretAccessKey();
}
