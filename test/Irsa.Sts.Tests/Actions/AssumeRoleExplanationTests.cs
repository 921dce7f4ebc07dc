using Irsa.Cluster.Keys;
using Irsa.Core.Audit;
using Irsa.Sts.Tests.Support;

namespace Irsa.Sts.Tests.Actions;

/// <summary>Every AssumeRoleWithWebIdentity failure keeps AWS's error for the caller and explains itself to the operator.</summary>
public sealed class AssumeRoleExplanationTests
{
    private const string SubKey = StsTestBed.ProviderUrl + ":sub";

    [Fact]
    public async Task A_service_account_claiming_another_ones_role_names_the_sub_condition_and_both_values()
    {
        using var bed = new StsTestBed();

        var result = await bed.AssumeAsync(bed.Mint(serviceAccount: "default"));

        Assert.Equal("AccessDenied", result.Error!.Code);
        Assert.Equal("Not authorized to perform sts:AssumeRoleWithWebIdentity", result.Error.Message);
        var explanation = result.Explanation!;
        Assert.Equal("TrustPolicyCondition", explanation.Check);
        Assert.Contains($"StringEquals {SubKey}", explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("trust policy of " + StsTestBed.RoleArn, explanation.Summary, StringComparison.Ordinal);
        Assert.Contains(
            $"StringEquals {SubKey}: expected \"system:serviceaccount:default:app\", token has \"system:serviceaccount:default:default\"",
            explanation.Details);

        // The aud condition held, so it is not blamed.
        Assert.DoesNotContain(explanation.Details, d => d.Contains(":aud", StringComparison.Ordinal));
        var excerpt = Assert.Single(explanation.Policies);
        Assert.Equal("trust policy of " + StsTestBed.RoleArn, excerpt.Source);
        Assert.Equal((1, 3), (excerpt.StartLine, excerpt.EndLine));
        Assert.StartsWith("{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + StsTestBed.ProviderArn + "\"}", excerpt.Text, StringComparison.Ordinal);
        Assert.EndsWith("\"sts.amazonaws.com\"}}}", excerpt.Text, StringComparison.Ordinal);
        Assert.Equal(explanation.Summary, result.Detail);

        // The failed call is still attributable to the pod and the web identity.
        var caller = result.WebIdentity!;
        Assert.True(caller.Verified);
        Assert.Equal(StsTestBed.ProviderArn, caller.ProviderArn);
        Assert.Equal("sts.amazonaws.com", caller.Audience);
        Assert.Equal("system:serviceaccount:default:default", caller.Subject);
        Assert.Equal(("default", "app-7d9f"), (caller.Pod!.ServiceAccount, caller.Pod.PodName));
    }

    [Fact]
    public async Task An_unknown_issuer_names_the_issuer_and_the_account()
    {
        using var bed = new StsTestBed();
        const string issuer = "https://elsewhere.test/id/XYZ";

        var result = await bed.AssumeAsync(bed.Mint(issuer: issuer));

        Assert.Equal("InvalidIdentityToken", result.Error!.Code);
        Assert.Equal("No OpenIDConnect provider found in your account for " + issuer, result.Error.Message);
        Assert.Equal("UnknownIssuer", result.Explanation!.Check);
        Assert.Contains('"' + issuer + '"', result.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains(StsTestBed.Account, result.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("account: " + StsTestBed.Account, result.Explanation.Details);

        // Nothing was verified: the facts are the caller's claim only.
        Assert.Equal(issuer, result.WebIdentity!.Issuer);
        Assert.False(result.WebIdentity.Verified);
        Assert.Null(result.WebIdentity.ProviderArn);
        Assert.Equal("system:serviceaccount:default:app", result.WebIdentity.Subject);
    }

    [Fact]
    public async Task An_audience_mismatch_lists_the_token_audiences_and_the_client_ids()
    {
        using var bed = new StsTestBed();

        var result = await bed.AssumeAsync(bed.Mint(audience: "vault"));

        Assert.Equal("Incorrect token audience", result.Error!.Message);
        var explanation = result.Explanation!;
        Assert.Equal("AudienceMismatch", explanation.Check);
        Assert.Contains("token aud: \"vault\"", explanation.Details);
        Assert.Contains($"client ids of {StsTestBed.ProviderArn}: \"sts.amazonaws.com\"", explanation.Details);
        Assert.Equal("vault", result.WebIdentity!.Audience);
    }

    [Fact]
    public async Task An_unknown_kid_is_named_with_the_kids_the_jwks_has()
    {
        using var bed = new StsTestBed();
        using var stranger = ClusterSigningKey.Generate(SigningAlgorithm.RS256);

        var result = await bed.AssumeAsync(bed.Mint(key: stranger));

        Assert.Equal(StsErrors.KeyRetrievalMessage, result.Error!.Message);
        var explanation = result.Explanation!;
        Assert.Equal("UnknownKeyId", explanation.Check);
        Assert.Contains('"' + stranger.KeyId + '"', explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("JWKS key ids: \"" + bed.Key.KeyId + '"', explanation.Details);
        Assert.Equal(StsTestBed.ProviderArn, result.WebIdentity!.ProviderArn);
        Assert.False(result.WebIdentity.Verified);
    }

    [Fact]
    public async Task An_expired_token_gives_exp_and_now()
    {
        using var bed = new StsTestBed();
        var token = bed.Mint();
        var exp = bed.Now + 86400;
        bed.Time.Advance(TimeSpan.FromDays(2));

        var result = await bed.AssumeAsync(token);

        Assert.Equal("ExpiredTokenException", result.Error!.Code);
        var explanation = result.Explanation!;
        Assert.Equal("TokenExpired", explanation.Check);
        Assert.Contains($"exp: 2026-08-08T12:00:00Z ({exp})", explanation.Details);
        Assert.Contains($"now: 2026-08-09T12:00:00Z ({bed.Now})", explanation.Details);
    }

    [Fact]
    public async Task A_token_not_yet_valid_gives_nbf()
    {
        using var bed = new StsTestBed();
        var nbf = bed.Now + 3600;
        var token = Jws.Sign(bed.Key, bed.Header(), bed.Payload(new() { ["nbf"] = nbf.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        var result = await bed.AssumeAsync(token);

        Assert.Equal("The ID Token is not valid yet", result.Error!.Message);
        Assert.Equal("TokenNotYetValid", result.Explanation!.Check);
        Assert.Contains($"nbf: 2026-08-07T13:00:00Z ({nbf})", result.Explanation.Details);
    }

    [Fact]
    public async Task A_bad_signature_names_the_key()
    {
        using var bed = new StsTestBed();
        var token = bed.Mint();
        var other = bed.Mint(ns: "kube-system");
        var forged = token[..token.LastIndexOf('.')] + other[other.LastIndexOf('.')..];

        var result = await bed.AssumeAsync(forged);

        Assert.Equal(StsErrors.InvalidSignatureMessage, result.Error!.Message);
        Assert.Equal("BadSignature", result.Explanation!.Check);
        Assert.Contains('"' + bed.Key.KeyId + '"', result.Explanation.Summary, StringComparison.Ordinal);
        Assert.False(result.WebIdentity!.Verified);
    }

    [Fact]
    public async Task A_refused_algorithm_is_named_with_the_accepted_ones()
    {
        using var bed = new StsTestBed();
        var token = Jws.SignWith(_ => new byte[32], """{"alg":"HS256","kid":"k"}""", bed.Payload());

        var result = await bed.AssumeAsync(token);

        Assert.Equal("The ID Token is signed with an unsupported algorithm", result.Error!.Message);
        Assert.Equal("UnsupportedAlgorithm", result.Explanation!.Check);
        Assert.Contains("\"HS256\"", result.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("accepted: RS256, RS384, RS512, ES256, ES384, ES512", result.Explanation.Details);
    }

    [Fact]
    public async Task A_missing_role_is_explained_but_answered_as_a_denial()
    {
        using var bed = new StsTestBed();

        var result = await bed.AssumeAsync(bed.Mint(), roleArn: "arn:aws:iam::111122223333:role/nope");

        Assert.Equal("AccessDenied", result.Error!.Code);
        Assert.Equal("RoleNotFound", result.Explanation!.Check);
        Assert.Contains("arn:aws:iam::111122223333:role/nope", result.Explanation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gone_pod_is_named()
    {
        using var bed = new StsTestBed();

        var result = await bed.AssumeAsync(bed.Mint(podUid: "pod-uid-old"));

        Assert.Equal(StsErrors.PodGoneMessage, result.Error!.Message);
        Assert.Equal("PodGone", result.Explanation!.Check);
        Assert.Contains("default/app-7d9f", result.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("pod uid in the token: pod-uid-old", result.Explanation.Details);
    }

    [Fact]
    public async Task An_explicit_deny_in_the_trust_policy_quotes_the_denying_statement()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(StsTestBed.Account, "guarded", $$$$"""
            {
              "Version": "2012-10-17",
              "Statement": [
                {"Effect": "Allow", "Principal": {"Federated": "{{{{StsTestBed.ProviderArn}}}}"}, "Action": "sts:AssumeRoleWithWebIdentity"},
                {
                  "Sid": "NoKubeSystem",
                  "Effect": "Deny",
                  "Principal": "*",
                  "Action": "sts:AssumeRoleWithWebIdentity",
                  "Condition": {"StringLike": {"{{{{SubKey}}}}": "system:serviceaccount:kube-system:*"}}
                }
              ]
            }
            """);

        var result = await bed.AssumeAsync(bed.Mint(ns: "kube-system"), roleArn: role.Arn);

        Assert.Equal("AccessDenied", result.Error!.Code);
        var explanation = result.Explanation!;
        Assert.Equal("ExplicitDeny", explanation.Check);
        Assert.StartsWith("Statement 2 (Sid \"NoKubeSystem\") at lines 5-11 of the trust policy of " + role.Arn + " explicitly denies", explanation.Summary, StringComparison.Ordinal);
        var excerpt = Assert.Single(explanation.Policies);
        Assert.Equal((5, 11), (excerpt.StartLine, excerpt.EndLine));
        Assert.StartsWith("    {\n      \"Sid\": \"NoKubeSystem\"", excerpt.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"  StringLike {SubKey}: expected \"system:serviceaccount:kube-system:*\", token has \"system:serviceaccount:kube-system:app\"",
            explanation.Details);
    }

    [Fact]
    public async Task A_trust_policy_for_another_provider_allows_nothing_and_says_why()
    {
        using var bed = new StsTestBed();
        var role = bed.Directory.AddRole(StsTestBed.Account, "elsewhere", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/other.test"},
             "Action":"sts:AssumeRoleWithWebIdentity"}]}
            """);

        var result = await bed.AssumeAsync(bed.Mint(), roleArn: role.Arn);

        var explanation = result.Explanation!;
        Assert.Equal("NoAllow", explanation.Check);
        Assert.Contains(explanation.Details, d => d.EndsWith("its principal does not name " + StsTestBed.ProviderArn, StringComparison.Ordinal));
        Assert.Single(explanation.Policies);
    }

    [Fact]
    public async Task A_token_asking_for_tags_without_TagSession_names_the_action()
    {
        using var bed = new StsTestBed();
        var token = Jws.Sign(bed.Key, bed.Header(), bed.Payload(new()
        {
            ["https://aws.amazon.com/tags"] = """{"principal_tags":{"team":["blue"]}}""",
        }));

        var result = await bed.AssumeAsync(token);

        Assert.Equal("NoAllow", result.Explanation!.Check);
        Assert.Contains("sts:TagSession", result.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains(result.Explanation.Details, d => d.EndsWith("its action does not cover sts:TagSession", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Later_checks_are_explained_too()
    {
        using var bed = new StsTestBed();

        var tooLong = await bed.AssumeAsync(bed.Mint(), extra: ("DurationSeconds", "7201"));
        var missingPolicy = await bed.AssumeAsync(bed.Mint(), extra: ("PolicyArns.member.1.arn", "arn:aws:iam::111122223333:policy/gone"));
        var badParameter = await bed.AssumeAsync(bed.Mint(), sessionName: "bad name!");

        Assert.Equal("DurationTooLong", tooLong.Explanation!.Check);
        Assert.Contains("7201", tooLong.Explanation.Summary, StringComparison.Ordinal);
        Assert.Equal("SessionPolicyNotFound", missingPolicy.Explanation!.Check);
        Assert.Equal("InvalidParameter", badParameter.Explanation!.Check);
        Assert.Equal(badParameter.Error!.Message, badParameter.Explanation.Summary);
    }

    [Fact]
    public async Task No_explanation_or_caller_fact_ever_contains_the_token()
    {
        using var bed = new StsTestBed();
        using var stranger = ClusterSigningKey.Generate(SigningAlgorithm.RS256);
        var valid = bed.Mint(serviceAccount: "default");
        var forged = valid[..valid.LastIndexOf('.')] + bed.Mint()[valid.LastIndexOf('.')..];
        var tokens = new[]
        {
            valid,
            forged,
            bed.Mint(issuer: "https://elsewhere.test/id/XYZ"),
            bed.Mint(audience: "vault"),
            bed.Mint(key: stranger),
            bed.Mint(podUid: "pod-uid-old"),
            Jws.SignWith(_ => new byte[32], """{"alg":"HS256","kid":"k"}""", bed.Payload()),
            "not-a-jwt-at-all-but-long-enough",
        };

        foreach (var token in tokens)
        {
            var result = await bed.AssumeAsync(token);

            Assert.False(result.IsSuccess);
            var text = Flatten(result.Explanation!) + "\n" + result.WebIdentity + "\n" + result.Detail;
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            foreach (var part in token.Split('.').Where(p => p.Length > 8))
            {
                Assert.DoesNotContain(part, text, StringComparison.Ordinal);
            }
        }
    }

    internal static string Flatten(Explanation explanation) =>
        string.Join("\n", [explanation.Check, explanation.Summary, .. explanation.Details,
            .. explanation.Policies.SelectMany(p => new[] { p.Source, p.Text })]);
}
