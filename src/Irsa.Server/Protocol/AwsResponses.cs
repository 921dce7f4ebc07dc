using Irsa.Core.Aws;
using Irsa.Core.Query;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Protocol;

/// <summary>Writes awsQuery (XML) and REST-JSON responses with the headers every SDK expects.</summary>
public static class AwsResponses
{
    public static Task WriteXmlAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        context.Response.Headers["x-amzn-RequestId"] = RequestIds.Get(context);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    public static Task WriteQueryErrorAsync(HttpContext context, string xmlNamespace, AwsError error) =>
        WriteXmlAsync(context, error.StatusCode, QueryXml.Error(xmlNamespace, error, RequestIds.Get(context)));

    /// <summary>REST-JSON error (EKS): <c>x-amzn-ErrorType</c> header and <c>{"message": ...}</c> body.</summary>
    public static Task WriteJsonErrorAsync(HttpContext context, AwsError error)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.Headers["x-amzn-RequestId"] = RequestIds.Get(context);
        context.Response.Headers["x-amzn-ErrorType"] = error.Code;
        return context.Response.WriteAsJsonAsync(new { message = error.Message });
    }
}
