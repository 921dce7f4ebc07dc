using Irsa.Core.Query;
using Irsa.Server.Protocol;
using Irsa.Server.Security;
using Irsa.SigV4;
using Irsa.Sts;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Sts;

/// <summary>STS over awsQuery: <c>AssumeRoleWithWebIdentity</c> (unsigned by design) and signed calls such as <c>GetCallerIdentity</c>.</summary>
public sealed class StsEndpoint(StsApi api, RequestAuthenticator authenticator)
{
    public const string XmlNamespace = StsProtocol.Namespace;

    public async Task HandleAsync(HttpContext context, QueryParameters parameters, byte[] body)
    {
        var action = parameters.Action;
        Irsa.Iam.CallerIdentity? caller = null;
        // A signature on AssumeRoleWithWebIdentity is ignored, as AWS does: the token is the credential.
        if (!StsProtocol.IsUnsigned(action))
        {
            var (authenticated, error) = await authenticator.AuthenticateAsync(context, body, SigV4ErrorDialect.Query);
            if (authenticated is null)
            {
                await AwsResponses.WriteQueryErrorAsync(context, XmlNamespace, error!);
                return;
            }

            caller = authenticated;
        }

        var requestId = RequestIds.Get(context);
        var result = await api.ExecuteAsync(action, parameters, caller, requestId, context.Connection.RemoteIpAddress, context.RequestAborted);
        if (result.IsSuccess)
        {
            await AwsResponses.WriteXmlAsync(context, 200, result.Body!);
        }
        else
        {
            await AwsResponses.WriteXmlAsync(context, result.Error!.StatusCode, result.RenderError(requestId));
        }
    }
}
