using System.Text.Json.Nodes;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Server.Aws;

/// <summary>
/// How one protocol puts an <see cref="AwsError"/> on the wire. Every error of every AWS call is rendered here, with
/// the request id. Today: awsQuery XML (IAM, STS), REST-JSON (EKS) and JSON 1.1 (CloudTrail); S3's REST-XML is a
/// further subclass when its rows arrive.
/// </summary>
public abstract class AwsErrorDialect
{
    /// <summary>The codes the pipeline itself produces (authentication, authorization, limits), in awsQuery spelling.</summary>
    private static readonly HashSet<string> PipelineCodes = new(StringComparer.Ordinal)
    {
        "SignatureDoesNotMatch", "InvalidClientTokenId", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken",
        "AccessDenied", "RequestEntityTooLarge", "InvalidSignature", "RequestExpired",
    };

    /// <summary>awsQuery's <c>ErrorResponse</c> XML in the service's namespace (IAM, STS).</summary>
    public static AwsErrorDialect Query(string xmlNamespace) => new QueryDialect(xmlNamespace);

    /// <summary>REST-JSON (EKS): <c>x-amzn-ErrorType</c> and <c>{"message": ...}</c>.</summary>
    public static AwsErrorDialect RestJson { get; } = new RestJsonDialect();

    /// <summary>The content type of awsJson 1.1 requests and replies.</summary>
    public const string Json11ContentType = "application/x-amz-json-1.1";

    /// <summary>awsJson 1.1 (CloudTrail): <c>{"__type": code, "message": ...}</c> as <c>application/x-amz-json-1.1</c>.</summary>
    public static AwsErrorDialect Json11 { get; } = new Json11Dialect();

    /// <summary>Renders <paramref name="error"/> (already in this dialect's spelling) with <paramref name="requestId"/>.</summary>
    public abstract AwsReply Render(AwsError error, string requestId);

    /// <summary>The dialect's spelling of an error the pipeline raised in awsQuery spelling (JSON services say <c>AccessDeniedException</c>).</summary>
    public virtual AwsError Spell(AwsError error) => error;

    private sealed class QueryDialect(string xmlNamespace) : AwsErrorDialect
    {
        public override AwsReply Render(AwsError error, string requestId) =>
            new(error.StatusCode, "text/xml", QueryXml.Error(xmlNamespace, error, requestId));
    }

    /// <summary>JSON protocols name the pipeline's errors as exceptions (<c>AccessDeniedException</c>, <c>UnrecognizedClientException</c>).</summary>
    private abstract class JsonDialect : AwsErrorDialect
    {
        public override AwsError Spell(AwsError error) => PipelineCodes.Contains(error.Code)
            ? error with
            {
                Code = error.Code switch
                {
                    "SignatureDoesNotMatch" => "InvalidSignatureException",
                    "InvalidClientTokenId" => "UnrecognizedClientException",
                    var code => code + "Exception",
                },
            }
            : error;
    }

    private sealed class RestJsonDialect : JsonDialect
    {
        public override AwsReply Render(AwsError error, string requestId) =>
            new(error.StatusCode, "application/json", System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["message"] = error.Message }.ToJsonString()))
            {
                Headers = [KeyValuePair.Create("x-amzn-ErrorType", error.Code)],
            };
    }

    private sealed class Json11Dialect : JsonDialect
    {
        // botocore reads the code from __type (the part after any '#') and the text from message or Message.
        public override AwsReply Render(AwsError error, string requestId) =>
            new(error.StatusCode, Json11ContentType, System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["__type"] = error.Code, ["message"] = error.Message }.ToJsonString()));
    }
}
