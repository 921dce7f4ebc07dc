using System.Text;

namespace Irsa.Server.Tests.Aws;

/// <summary>
/// Random and hostile query bodies, JSON bodies and headers, signed and unsigned: whatever arrives, the answer is one
/// of AWS's errors (or a success), never a 500.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] Actions =
    [
        "CreateRole", "GetRole", "TagRole", "UntagRole", "UpdateAssumeRolePolicy", "AttachRolePolicy", "CreatePolicy", "CreatePolicyVersion",
        "CreateOpenIDConnectProvider", "DeleteOpenIDConnectProvider", "SimulateCustomPolicy", "SimulatePrincipalPolicy", "ListRoles",
        "AssumeRoleWithWebIdentity", "GetCallerIdentity", "Nope", "",
    ];

    private static readonly string[] Names =
    [
        "RoleName", "Path", "PolicyArn", "PolicyDocument", "AssumeRolePolicyDocument", "Tags.member.1.Key", "Tags.member.1.Value", "Tags.member.x.Key",
        "TagKeys.member.1", "TagKeys.member.99999999999", "Url", "OpenIDConnectProviderArn", "ClientIDList.member.1", "ThumbprintList.member.1",
        "PolicyInputList.member.1", "ActionNames.member.1", "ContextEntries.member.1.ContextKeyValues.member.x", "ContextEntries.member.1.ContextKeyType",
        "MaxItems", "Marker", "RoleSessionName", "RoleArn", "WebIdentityToken", "DurationSeconds", "Policy", "PolicyArns.member.1.arn", "a.b.c.d.e.f.g.h.i.j.k",
    ];

    private static readonly string[] Values =
    [
        "", "a", "%00", "%01%02", "%FF%FE", "<x>&amp;", "]]>", "\"", "{", "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "arn:aws:iam::123456789012:role/x",
        "arn:aws:iam::123456789012:oidc-provider/OIDC.EXAMPLE.COM", "https://Example.com/a", "-1", "99999999999999999999", "1e400", "NaN", "true",
        "%E2%80%AE", "%F0%9F%92%A9", "%ED%A0%80", "..%2F..%2F", "%0D%0AX-Injected: 1",
    ];

    private static readonly string[] JsonBodies =
    [
        "", "{", "[]", "null", "1", "\"x\"", "{\"name\":1}", "{\"name\":\"c\",\"roleArn\":[],\"resourcesVpcConfig\":1}",
        "{\"name\":\"c\",\"roleArn\":\"arn:aws:iam::1:role/r\",\"resourcesVpcConfig\":{\"subnetIds\":[1,{}],\"endpointPublicAccess\":\"yes\"}}",
        "{\"name\":\"c\",\"roleArn\":\"arn:aws:iam::1:role/r\",\"resourcesVpcConfig\":{},\"tags\":{\"a\":{\"b\":1}}}",
        "{\"name\":\"\\u0000\\ud800\",\"roleArn\":\"arn:aws:iam::1:role/r\",\"resourcesVpcConfig\":{}}",
        new string('[', 5000) + new string(']', 5000),
    ];

    private static readonly string[] EksPaths = ["/clusters", "/clusters/%E2%80%AE", "/clusters/a%2Fb", "/clusters/x/admin-token", "/clusters/x/rotate-keys", "/clusters?maxResults=abc"];

    [Fact]
    public async Task No_hostile_input_produces_a_500()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var random = new Random(20261202);
        var failures = new List<string>();

        for (var i = 0; i < 120; i++)
        {
            var body = new StringBuilder("Version=2010-05-08&Action=").Append(Pick(random, Actions));
            for (var n = random.Next(0, 6); n > 0; n--)
            {
                body.Append('&').Append(Pick(random, Names)).Append('=').Append(random.Next(4) == 0 ? RandomText(random) : Pick(random, Values));
            }

            var text = body.ToString();
            using var response = random.Next(3) == 0
                ? await server.Http.PostAsync("/", new StringContent(text, Encoding.UTF8, "application/x-www-form-urlencoded"))
                : await server.SendSignedAsync(HttpMethod.Post, "/", random.Next(2) == 0 ? "iam" : "sts", text);
            await Check(response, "query " + text, failures);
        }

        foreach (var path in EksPaths)
        {
            foreach (var json in JsonBodies)
            {
                var method = path.EndsWith("token", StringComparison.Ordinal) || path.EndsWith("keys", StringComparison.Ordinal) || path == "/clusters" ? HttpMethod.Post : HttpMethod.Get;
                using var response = await server.SendSignedAsync(method, path, "eks", json, "application/json");
                await Check(response, $"eks {path} {json[..Math.Min(json.Length, 80)]}", failures);
            }
        }

        string[] hostileHeaders =
        [
            "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=", "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=, Signature=",
            "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=zz",
            "AWS4-X Credential=a/b/c/eks/aws4_request", "AWS4-HMAC-SHA256 Credential=%C3%A9/1/2/3/4, SignedHeaders=h, Signature=1",
        ];
        foreach (var header in hostileHeaders)
        {
            foreach (var (method, path) in new[] { (HttpMethod.Post, "/"), (HttpMethod.Get, "/clusters") })
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.TryAddWithoutValidation("Authorization", header);
                request.Headers.TryAddWithoutValidation("X-Amz-Date", random.Next(2) == 0 ? "garbage" : "20260101T000000Z");
                request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", RandomText(random));
                if (method == HttpMethod.Post)
                {
                    request.Content = new StringContent("Action=ListRoles&Version=2010-05-08", Encoding.UTF8, "application/x-www-form-urlencoded");
                }

                using var response = await server.Http.SendAsync(request);
                await Check(response, "header " + header, failures);
            }
        }

        Assert.Empty(failures);
    }

    private static async Task Check(HttpResponseMessage response, string what, List<string> failures)
    {
        if ((int)response.StatusCode >= 500)
        {
            failures.Add($"{(int)response.StatusCode} for {what}: {await response.Content.ReadAsStringAsync()}");
        }
        else if (!response.Headers.Contains("x-amzn-RequestId"))
        {
            failures.Add($"no request id for {what}");
        }
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    /// <summary>Random percent-encoded bytes, including controls and invalid UTF-8.</summary>
    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var i = random.Next(1, 40); i > 0; i--)
        {
            builder.Append('%').Append(random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
