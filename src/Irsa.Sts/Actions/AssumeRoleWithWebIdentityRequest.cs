using System.Globalization;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Sts.Actions;

/// <summary>The validated parameters of <c>AssumeRoleWithWebIdentity</c>, checked against the model's constraints.</summary>
public sealed partial record AssumeRoleWithWebIdentityRequest(
    string RoleArn,
    string RoleSessionName,
    string WebIdentityToken,
    string? ProviderId,
    string? Policy,
    IReadOnlyList<string> PolicyArns,
    int DurationSeconds)
{
    public const int DefaultDurationSeconds = 3600;

    /// <summary>STS accepts at most 10 managed session policies.</summary>
    public const int MaxPolicyArns = 10;

    /// <summary>Reads and validates; throws <see cref="AwsErrorException"/> with AWS's <c>ValidationError</c> wording.</summary>
    public static AssumeRoleWithWebIdentityRequest Read(QueryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var v = new ParameterValidator();
        var roleArn = v.Required("roleArn", parameters.Get("RoleArn"));
        v.Length("roleArn", roleArn, 20, 2048);
        var sessionName = v.Required("roleSessionName", parameters.Get("RoleSessionName"));
        v.Length("roleSessionName", sessionName, 2, 64);
        v.Pattern("roleSessionName", sessionName, SessionNamePattern(), @"[\w+=,.@-]*");

        // The token is a bearer credential: its value is never echoed back in a message.
        var token = v.Required("webIdentityToken", parameters.Get("WebIdentityToken"));
        if (token is { Length: < 4 })
        {
            v.Fail("webIdentityToken", "***", "Member must have length greater than or equal to 4");
        }
        else if (token is { Length: > 20000 })
        {
            v.Fail("webIdentityToken", "***", "Member must have length less than or equal to 20000");
        }

        var providerId = parameters.Get("ProviderId");
        v.Length("providerId", providerId, 4, 2048);
        var policy = parameters.Get("Policy");
        v.Length("policy", policy, 1, 2048);
        v.Pattern("policy", policy, PolicyPattern(), @"[\u0009\u000A\u000D\u0020-\u00FF]+");

        var policyArns = new List<string>();
        if (parameters.MemberCount("PolicyArns") > MaxPolicyArns)
        {
            // Counted before any member is read (this runs unauthenticated); the value echoed is the count, not megabytes of ARNs.
            v.Fail("policyArns", $"[{parameters.MemberCount("PolicyArns").ToString(CultureInfo.InvariantCulture)} members]",
                "Member must have length less than or equal to 10");
        }
        else if (parameters.GetStructList("PolicyArns") is { } members)
        {
            for (var i = 0; i < members.Count; i++)
            {
                var member = "policyArns." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".member.arn";
                var arn = members[i].GetValueOrDefault("arn");
                v.Length(member, arn, 20, 2048);
                if (arn is not null)
                {
                    policyArns.Add(arn);
                }
            }
        }

        var duration = v.Integer("durationSeconds", parameters.Get("DurationSeconds"), 900, 43200);
        v.ThrowIfInvalid();

        if (!IsRoleArn(roleArn!) || policyArns.Any(a => !Arn.TryParse(a, out _)))
        {
            throw new AwsErrorException(AwsError.Validation("Request ARN is invalid"));
        }

        return new AssumeRoleWithWebIdentityRequest(roleArn!, sessionName!, token!, providerId, policy, policyArns,
            duration ?? DefaultDurationSeconds);
    }

    private static bool IsRoleArn(string text) =>
        Arn.TryParse(text, out var arn) && arn.Service == "iam" && arn.Region.Length == 0 && AwsIds.IsAccountId(arn.Account)
        && arn.Resource.StartsWith("role/", StringComparison.Ordinal) && arn.Resource.Length > "role/".Length && !arn.Resource.EndsWith('/');

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+$")]
    private static partial Regex PolicyPattern();
}
