using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Iam.Authorization;
using Irsa.Server.Protocol;
using Irsa.Server.Security;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Iam;

/// <summary>IAM over awsQuery: authorize the action through the policy engine, execute it, write the XML.</summary>
public sealed class IamEndpoint(IamApi api, IamActionCatalog catalog, Authorizer authorizer)
{
    public const string XmlNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    public async Task HandleAsync(HttpContext context, QueryParameters parameters, CallerIdentity caller)
    {
        try
        {
            var action = parameters.Action ?? throw new AwsErrorException(AwsError.MissingAction());
            var outcome = await catalog.AuthorizeAsync(authorizer, caller, action, parameters, SourceContext.For(context), context.RequestAborted);
            if (outcome?.ToAccessDenied() is { } denied)
            {
                throw new AwsErrorException(denied);
            }

            var body = await api.ExecuteAsync(action, parameters, caller, RequestIds.Get(context));
            await AwsResponses.WriteXmlAsync(context, 200, body);
        }
        catch (AwsErrorException error)
        {
            await AwsResponses.WriteQueryErrorAsync(context, XmlNamespace, error.Error);
        }
    }
}
