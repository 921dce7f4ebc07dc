using System.Globalization;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Sts.Actions;

/// <summary>The parameters every <c>AssumeRole*</c> action shares, checked against the STS model's constraints.</summary>
internal static partial class SessionParameters
{
    /// <summary>STS accepts at most 10 managed session policies.</summary>
    public const int MaxPolicyArns = 10;

    public const string SessionNamePatternText = @"[\w+=,.@-]*";

    /// <summary><c>RoleArn</c> and <c>RoleSessionName</c>.</summary>
    public static (string? RoleArn, string? SessionName) ReadRole(ParameterValidator v, QueryParameters parameters)
    {
        var roleArn = v.Required("roleArn", parameters.Get("RoleArn"));
        v.Length("roleArn", roleArn, 20, 2048);
        var sessionName = v.Required("roleSessionName", parameters.Get("RoleSessionName"));
        v.Length("roleSessionName", sessionName, 2, 64);
        v.Pattern("roleSessionName", sessionName, SessionNamePattern(), SessionNamePatternText);
        return (roleArn, sessionName);
    }

    /// <summary><c>Policy</c> and <c>PolicyArns.member.N.arn</c>; the list is counted before any member is read.</summary>
    public static (string? Policy, List<string> PolicyArns) ReadPolicies(ParameterValidator v, QueryParameters parameters)
    {
        var policy = parameters.Get("Policy");
        v.Length("policy", policy, 1, 2048);
        v.Pattern("policy", policy, PolicyPattern(), @"[\u0009\u000A\u000D\u0020-\u00FF]+");

        var policyArns = new List<string>();
        if (parameters.MemberCount("PolicyArns") > MaxPolicyArns)
        {
            // The value echoed is the count, not megabytes of ARNs.
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

        return (policy, policyArns);
    }

    /// <summary>AWS checks the ARNs' shape after the model's constraints.</summary>
    public static void CheckArns(string roleArn, IReadOnlyList<string> policyArns)
    {
        if (!IsRoleArn(roleArn) || policyArns.Any(a => !Arn.TryParse(a, out _)))
        {
            throw new AwsErrorException(AwsError.Validation("Request ARN is invalid"));
        }
    }

    private static bool IsRoleArn(string text) =>
        Arn.TryParse(text, out var arn) && arn.Service == "iam" && arn.Region.Length == 0 && AwsIds.IsAccountId(arn.Account)
        && arn.Resource.StartsWith("role/", StringComparison.Ordinal) && arn.Resource.Length > "role/".Length && !arn.Resource.EndsWith('/');

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*$")]
    public static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+$")]
    private static partial Regex PolicyPattern();
}
