using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Policy;

namespace Irsa.Sts.Sessions;

/// <summary>
/// What credentials from <c>GetSessionToken</c> may not do, as AWS's GetSessionToken reference states: no IAM call unless
/// the session carries MFA, and in STS only <c>AssumeRole</c> and <c>GetCallerIdentity</c>. Irsa has no MFA devices
/// (<c>SerialNumber</c> and <c>TokenCode</c> are accepted and ignored), so no such session carries MFA.
/// </summary>
public static class SessionTokenLimits
{
    /// <summary>
    /// The refusal AWS answers for <paramref name="operation"/> of <paramref name="service"/> called with
    /// <paramref name="caller"/>'s credentials, or <c>null</c> when they may call it. IAM answers
    /// <c>InvalidClientTokenId</c>, as if the token were unknown; STS answers as it does for <c>GetSessionToken</c> itself.
    /// </summary>
    public static AwsError? Refusal(CallerIdentity caller, string service, string operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller is not { PrincipalType: PrincipalType.User, Session: not null })
        {
            return null;
        }

        return service switch
        {
            IamProtocol.ServiceName => AwsError.InvalidClientTokenId(),
            StsProtocol.ServiceName when operation is not (StsProtocol.AssumeRole or StsProtocol.GetCallerIdentity) =>
                AwsError.AccessDenied($"Cannot call {operation} with session credentials"),
            _ => null,
        };
    }
}
