using System.Globalization;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Sts.Actions;

/// <summary>
/// The validated parameters of <c>AssumeRole</c>, checked against the model's constraints. <c>DurationSeconds</c> is
/// <c>null</c> when not given (the default is one hour, also the role-chaining limit); tag keys are unique ignoring case.
/// </summary>
public sealed partial record AssumeRoleRequest(
    string RoleArn,
    string RoleSessionName,
    int? DurationSeconds,
    string? ExternalId,
    string? Policy,
    IReadOnlyList<string> PolicyArns,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<string> TransitiveTagKeys,
    string? SourceIdentity)
{
    public const int DefaultDurationSeconds = 3600;

    /// <summary>At most 50 session tags, and 50 transitive keys.</summary>
    public const int MaxTags = 50;

    /// <summary>Reads and validates; throws <see cref="AwsErrorException"/> with AWS's <c>ValidationError</c> wording.</summary>
    public static AssumeRoleRequest Read(QueryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var v = new ParameterValidator();
        var (roleArn, sessionName) = SessionParameters.ReadRole(v, parameters);
        var (policy, policyArns) = SessionParameters.ReadPolicies(v, parameters);
        var duration = v.Integer("durationSeconds", parameters.Get("DurationSeconds"), 900, 43200);

        var tags = new List<KeyValuePair<string, string>>();
        if (parameters.MemberCount("Tags") > MaxTags)
        {
            v.Fail("tags", $"[{parameters.MemberCount("Tags").ToString(CultureInfo.InvariantCulture)} members]", "Member must have length less than or equal to 50");
        }
        else if (parameters.GetStructList("Tags") is { } members)
        {
            for (var i = 0; i < members.Count; i++)
            {
                var member = "tags." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".member.";
                var key = v.Required(member + "key", members[i].GetValueOrDefault("Key"));
                v.Length(member + "key", key, 1, 128);
                v.Pattern(member + "key", key, TagKeyPattern(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");
                var value = v.Required(member + "value", members[i].GetValueOrDefault("Value"));
                v.Length(member + "value", value, 0, 256);
                v.Pattern(member + "value", value, TagValuePattern(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
                if (key is not null && value is not null)
                {
                    tags.Add(KeyValuePair.Create(key, value));
                }
            }
        }

        var transitive = new List<string>();
        if (parameters.MemberCount("TransitiveTagKeys") > MaxTags)
        {
            v.Fail("transitiveTagKeys", $"[{parameters.MemberCount("TransitiveTagKeys").ToString(CultureInfo.InvariantCulture)} members]",
                "Member must have length less than or equal to 50");
        }
        else if (parameters.GetList("TransitiveTagKeys") is { } keys)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                var member = "transitiveTagKeys." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".member";
                v.Length(member, keys[i], 1, 128);
                v.Pattern(member, keys[i], TagKeyPattern(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");
                transitive.Add(keys[i]);
            }
        }

        var externalId = parameters.Get("ExternalId");
        v.Length("externalId", externalId, 2, 1224);
        v.Pattern("externalId", externalId, ExternalIdPattern(), @"[\w+=,.@:\/-]*");
        var sourceIdentity = parameters.Get("SourceIdentity");
        v.Length("sourceIdentity", sourceIdentity, 2, 64);
        v.Pattern("sourceIdentity", sourceIdentity, SessionParameters.SessionNamePattern(), SessionParameters.SessionNamePatternText);
        v.ThrowIfInvalid();

        SessionParameters.CheckArns(roleArn!, policyArns);
        if (tags.GroupBy(t => t.Key, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            throw new AwsErrorException(AwsError.Validation("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
        }

        if (transitive.Any(k => !tags.Any(t => string.Equals(t.Key, k, StringComparison.OrdinalIgnoreCase))))
        {
            throw new AwsErrorException(AwsError.Validation("The specified transitive tag key must be included in the requested tags."));
        }

        if (sourceIdentity is not null && sourceIdentity.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw new AwsErrorException(AwsError.Validation("SourceIdentity cannot start with the reserved prefix 'aws:'."));
        }

        return new AssumeRoleRequest(roleArn!, sessionName!, duration, externalId, policy, policyArns, tags, transitive, sourceIdentity);
    }

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$")]
    private static partial Regex TagKeyPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagValuePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@:/-]*$")]
    private static partial Regex ExternalIdPattern();
}
