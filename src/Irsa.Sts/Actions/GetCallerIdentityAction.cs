using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;

namespace Irsa.Sts.Actions;

/// <summary>
/// <c>GetCallerIdentity</c>: who signed the request. Needs no permission, and an explicit deny on
/// <c>sts:GetCallerIdentity</c> is ignored, so no policy is evaluated.
/// </summary>
public static class GetCallerIdentityAction
{
    public static StsResult Execute(CallerIdentity? caller, string requestId)
    {
        if (caller is null)
        {
            return StsResult.Failure(AwsError.MissingAuthenticationToken());
        }

        // aws:userid is AROA…:session for role sessions and the AIDA… user id for users.
        var userId = caller.ContextKeys.TryGetValue("aws:userid", out var value) && value.Values.Count == 1 ? value.Values[0] : caller.EntityId;
        return StsResult.Success(QueryXml.Success(StsProtocol.GetCallerIdentity, StsProtocol.Namespace, requestId, xml =>
        {
            xml.WriteElementString("UserId", userId);
            xml.WriteElementString("Account", caller.AccountId);
            xml.WriteElementString("Arn", caller.PrincipalArn);
        }));
    }
}
