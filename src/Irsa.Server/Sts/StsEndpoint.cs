using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Sts;

/// <summary>STS over awsQuery: <c>AssumeRoleWithWebIdentity</c> (unsigned by design) and signed calls such as <c>GetCallerIdentity</c>.</summary>
public sealed class StsEndpoint(TimeProvider time)
{
    public const string XmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public Task HandleAsync(HttpContext context, QueryParameters parameters, byte[] body)
    {
        _ = body;
        _ = time;
        return AwsResponses.WriteQueryErrorAsync(context, XmlNamespace, AwsError.InvalidAction(parameters.Action ?? ""));
    }
}
