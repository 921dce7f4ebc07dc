using System.Xml;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Sessions;

/// <summary>
/// What every way of obtaining a role session shares once the caller is trusted: the duration rules, the session policies
/// and their packed size with the tags, minting the credentials and recording the role's use. Failures are thrown as
/// <see cref="StsFailureException"/> with AWS's error and the operator's explanation.
/// </summary>
public sealed class RoleSessionIssuer(IWebIdentityDirectory directory, SessionTokenService sessions, StsOptions options)
{
    /// <summary>A role-chained session lasts at most an hour, whatever the role's <c>MaxSessionDuration</c>.</summary>
    public const int ChainedMaxSeconds = 3600;

    public const string ChainedDurationMessage = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";

    public const string MaxSessionDurationMessage = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.";

    /// <summary>Checks a requested duration against the role's maximum and, for role chaining, the one-hour limit.</summary>
    public static void CheckDuration(int seconds, RoleInfo role, bool chained)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (chained && seconds > ChainedMaxSeconds)
        {
            throw new StsFailureException(AwsError.Validation(ChainedDurationMessage), Explanation.Of("ChainedDurationTooLong",
                $"DurationSeconds {seconds} exceeds the one-hour limit of a session assumed with the credentials of another role session (role chaining)."));
        }

        if (seconds > role.MaxSessionDuration)
        {
            throw new StsFailureException(AwsError.Validation(MaxSessionDurationMessage), Explanation.Of("DurationTooLong",
                $"DurationSeconds {seconds} exceeds the role's MaxSessionDuration of {role.MaxSessionDuration}."));
        }
    }

    /// <summary>Checks that the inline session policy parses and that every managed session policy exists in the role's account.</summary>
    public async Task CheckSessionPoliciesAsync(string? policy, IReadOnlyList<string> policyArns, string roleAccount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policyArns);
        if (policy is not null && PolicyDocument.Parse(policy, PolicyKind.Session) is { IsValid: false } parsed)
        {
            throw new StsFailureException(AwsError.MalformedPolicyDocument(parsed.Error.Message),
                Explanation.Of("MalformedSessionPolicy", "The Policy parameter is not a valid session policy: " + parsed.Error.Message));
        }

        foreach (var policyArn in policyArns)
        {
            if (await directory.GetManagedPolicyAsync(roleAccount, policyArn, cancellationToken) is null)
            {
                throw new StsFailureException(AwsError.MalformedPolicyDocument($"Policy {policyArn} does not exist or is not attachable."),
                    Explanation.Of("SessionPolicyNotFound", $"The session policy {policyArn} does not exist in account {roleAccount}."));
            }
        }
    }

    /// <summary>
    /// <c>PackedPolicySize</c> of the session's policies and tags, <c>null</c> when none were passed (AWS then omits it);
    /// above 100 % the call fails with <c>PackedPolicyTooLarge</c>, worded for the tags or the policies, whichever overflowed.
    /// </summary>
    public static int? CheckPackedSize(string? policy, IReadOnlyList<string> policyArns, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(policyArns);
        ArgumentNullException.ThrowIfNull(tags);
        if (policy is null && policyArns.Count == 0 && tags.Count == 0)
        {
            return null;
        }

        var (policies, tagPercent) = SessionPacking.Measure(policy, policyArns, tags);
        if (tagPercent > 100)
        {
            throw new StsFailureException(StsErrors.PackedTagsTooLarge(tagPercent),
                Explanation.Of("PackedPolicyTooLarge", $"The {tags.Count} session tags pack to {tagPercent}% of the allotted space."));
        }

        if (policies > 100)
        {
            throw new StsFailureException(StsErrors.PackedPolicyTooLarge(policies),
                Explanation.Of("PackedPolicyTooLarge", $"Session policies pack to {policies}% of the allotted space."));
        }

        return Math.Max(policies, tagPercent);
    }

    /// <summary>Mints the session's credentials and records the role's use (best effort).</summary>
    public async Task<SessionCredentials> IssueAsync(RoleSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var credentials = sessions.Issue(session);
        if (session.Kind == SessionKind.Role)
        {
            try
            {
                await directory.RecordRoleUsedAsync(session.RoleArn, options.Region, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Last-used tracking is best effort and must never fail an otherwise valid request.
            }
        }

        return credentials;
    }

    /// <summary>The <c>Credentials</c> element every session-issuing response starts with.</summary>
    public static void WriteCredentials(XmlWriter xml, SessionCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(credentials);
        xml.WriteStartElement("Credentials");
        xml.WriteElementString("AccessKeyId", credentials.AccessKeyId);
        xml.WriteElementString("SecretAccessKey", credentials.SecretAccessKey);
        xml.WriteElementString("SessionToken", credentials.SessionToken);
        xml.WriteElementString("Expiration", QueryXml.Timestamp(credentials.Session.Expiration));
        xml.WriteEndElement();
    }
}
