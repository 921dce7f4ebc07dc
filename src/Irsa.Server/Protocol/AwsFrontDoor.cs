using Irsa.Core.Aws;
using Irsa.Iam.Authorization;
using Irsa.Server.Cluster;
using Irsa.Server.Hosting;
using Irsa.Server.Iam;
using Irsa.Server.Security;
using Irsa.Server.Sts;
using Irsa.SigV4;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Protocol;

/// <summary>
/// The single AWS endpoint (like LocalStack's edge port): routes each request by protocol, then authenticates,
/// authorizes and hands it to the service. Signed requests are routed by their credential scope's service name;
/// unsigned query calls by <c>Action</c>.
/// </summary>
/// <remarks>
/// Note: routing reads the scope before the signature is verified, which is safe because every service
/// verifies the signature itself before acting; the scope only decides who verifies.
/// </remarks>
public sealed class AwsFrontDoor(
    RequestAuthenticator authenticator,
    Authorizer authorizer,
    IamEndpoint iam,
    StsEndpoint sts,
    EksApi eks,
    ServerContext server)
{
    public async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (!RequestAuthenticator.IsSigned(context.Request))
        {
            await HandleUnsignedAsync(context, body);
            return;
        }

        switch (RequestAuthenticator.ScopeService(context.Request))
        {
            case "sts":
                await sts.HandleAsync(context, QueryRequestReader.Read(context.Request, body), body);
                return;
            case "iam":
                var parameters = QueryRequestReader.Read(context.Request, body);
                var (caller, error) = await authenticator.AuthenticateAsync(context, body, SigV4ErrorDialect.Query);
                if (caller is null)
                {
                    await AwsResponses.WriteQueryErrorAsync(context, IamEndpoint.XmlNamespace, error!);
                    return;
                }

                await iam.HandleAsync(context, parameters, caller);
                return;
            case "eks":
                await HandleEksAsync(context, body);
                return;
            default:
                // An unknown service in the scope: AWS answers as the query services do.
                var (_, scopeError) = await authenticator.AuthenticateAsync(context, body, SigV4ErrorDialect.Query);
                await AwsResponses.WriteQueryErrorAsync(context, StsEndpoint.XmlNamespace,
                    scopeError ?? new AwsError("InvalidAction", "The service named in the credential scope is not served here", 400));
                return;
        }
    }

    private async Task HandleUnsignedAsync(HttpContext context, byte[] body)
    {
        if (EksApi.Resolve(context.Request.Method, context.Request.Path.Value ?? "/") is not null)
        {
            await AwsResponses.WriteJsonErrorAsync(context, new AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 403));
            return;
        }

        var parameters = QueryRequestReader.Read(context.Request, body);
        if (parameters.Action is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (IamActionCatalog.Find(parameters.Action) is not null)
        {
            await AwsResponses.WriteQueryErrorAsync(context, IamEndpoint.XmlNamespace, AwsError.MissingAuthenticationToken());
            return;
        }

        // STS decides for itself: AssumeRoleWithWebIdentity is unsigned by design, everything else needs a signature.
        await sts.HandleAsync(context, parameters, body);
    }

    private async Task HandleEksAsync(HttpContext context, byte[] body)
    {
        var operation = EksApi.Resolve(context.Request.Method, context.Request.Path.Value ?? "/");
        var (caller, error) = await authenticator.AuthenticateAsync(context, body, SigV4ErrorDialect.Query);
        if (caller is null)
        {
            await AwsResponses.WriteJsonErrorAsync(context, error! with { Code = RestJsonAuthCode(error.Code) });
            return;
        }

        if (operation is null)
        {
            await AwsResponses.WriteJsonErrorAsync(context, new AwsError("ResourceNotFoundException", "No EKS operation matches this path", 404));
            return;
        }

        var resource = operation.ClusterName is { } name
            ? $"arn:aws:eks:{server.Region}:{caller.AccountId}:cluster/{name}"
            : operation.Name == "CreateCluster" ? $"arn:aws:eks:{server.Region}:{caller.AccountId}:cluster/*" : "*";
        var outcome = await authorizer.AuthorizeAsync(caller, operation.IamAction, resource, SourceContext.For(context), cancellationToken: context.RequestAborted);
        if (outcome.ToAccessDenied() is { } denied)
        {
            await AwsResponses.WriteJsonErrorAsync(context, denied with { Code = "AccessDeniedException" });
            return;
        }

        await eks.HandleAsync(context, operation, new CallerAccount(caller.AccountId), body);
    }

    /// <summary>REST-JSON services name the SigV4 failures differently from the query services.</summary>
    private static string RestJsonAuthCode(string queryCode) => queryCode switch
    {
        "SignatureDoesNotMatch" => "InvalidSignatureException",
        "InvalidClientTokenId" => "UnrecognizedClientException",
        _ => queryCode + "Exception",
    };

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
