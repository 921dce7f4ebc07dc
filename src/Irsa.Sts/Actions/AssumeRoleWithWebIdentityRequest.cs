using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Sts.Actions;

/// <summary>The validated parameters of <c>AssumeRoleWithWebIdentity</c>, checked against the model's constraints.</summary>
public sealed record AssumeRoleWithWebIdentityRequest(
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
    public const int MaxPolicyArns = SessionParameters.MaxPolicyArns;

    /// <summary>Reads and validates; throws <see cref="AwsErrorException"/> with AWS's <c>ValidationError</c> wording.</summary>
    public static AssumeRoleWithWebIdentityRequest Read(QueryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var v = new ParameterValidator();
        var (roleArn, sessionName) = SessionParameters.ReadRole(v, parameters);

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
        var (policy, policyArns) = SessionParameters.ReadPolicies(v, parameters);
        var duration = v.Integer("durationSeconds", parameters.Get("DurationSeconds"), 900, 43200);
        v.ThrowIfInvalid();

        SessionParameters.CheckArns(roleArn!, policyArns);
        return new AssumeRoleWithWebIdentityRequest(roleArn!, sessionName!, token!, providerId, policy, policyArns,
            duration ?? DefaultDurationSeconds);
    }
}
