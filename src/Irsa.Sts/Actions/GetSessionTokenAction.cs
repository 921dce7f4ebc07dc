using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Policy;
using Irsa.Sts.Sessions;

namespace Irsa.Sts.Actions;

/// <summary>
/// <c>GetSessionToken</c>: temporary credentials for an IAM user's long-term keys. Needs no permission; the session's caller
/// is the user itself (its policies apply), and session credentials may not ask for another.
/// </summary>
public sealed class GetSessionTokenAction(RoleSessionIssuer issuer, TimeProvider timeProvider)
{
    public const int DefaultDurationSeconds = 43200;

    public async Task<StsResult> ExecuteAsync(QueryParameters parameters, CallerIdentity caller, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caller);
        var v = new ParameterValidator();
        var duration = v.Integer("durationSeconds", parameters.Get("DurationSeconds"), 900, 129600);
        v.Length("serialNumber", parameters.Get("SerialNumber"), 9, 256);
        v.Length("tokenCode", parameters.Get("TokenCode"), 6, 6);
        if (v.Message is { } invalid)
        {
            return StsResult.Failure(AwsError.Validation(invalid), Explanation.Of("InvalidParameter", invalid));
        }

        if (caller.PrincipalType != PrincipalType.User || caller.Session is not null)
        {
            return StsResult.Failure(AwsError.AccessDenied(StsErrors.SessionCredentialsMessage), Explanation.Of("SessionCredentials",
                $"{caller.PrincipalArn} signed with temporary credentials; GetSessionToken needs an IAM user's long-term access key."));
        }

        var now = timeProvider.GetUtcNow();
        var credentials = await issuer.IssueAsync(new RoleSession
        {
            Kind = SessionKind.User,
            AccountId = caller.AccountId,
            RoleArn = caller.PrincipalArn,
            RoleId = caller.EntityId,
            RoleName = caller.EntityName,
            SessionName = caller.EntityName,
            IssuedAt = now,
            Expiration = now.AddSeconds(duration ?? DefaultDurationSeconds),
        }, cancellationToken);
        var body = QueryXml.Success(StsProtocol.GetSessionToken, StsProtocol.Namespace, requestId,
            xml => RoleSessionIssuer.WriteCredentials(xml, credentials));
        return StsResult.Success(body, credentials.Session);
    }
}
