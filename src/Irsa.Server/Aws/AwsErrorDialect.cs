using System.Text.Json.Nodes;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Server.Aws;

/// <summary>
/// How one protocol puts an <see cref="AwsError"/> on the wire. Every error of every AWS call is rendered here, with
/// the request id: awsQuery XML (IAM, STS), REST-JSON (EKS), JSON 1.1 (CloudTrail) and S3's REST-XML.
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

    /// <summary>S3's REST-XML: <c>&lt;Error&gt;</c> without a namespace, the error's details, RequestId and HostId.</summary>
    public static AwsErrorDialect S3 { get; } = new S3Dialect();

    /// <summary>The headers that carry the request id on every answer of this protocol.</summary>
    public virtual IEnumerable<KeyValuePair<string, string>> RequestIdHeaders(string requestId) => [KeyValuePair.Create("x-amzn-RequestId", requestId)];

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

    private sealed class S3Dialect : AwsErrorDialect
    {
        public override IEnumerable<KeyValuePair<string, string>> RequestIdHeaders(string requestId) =>
            [KeyValuePair.Create("x-amz-request-id", requestId), KeyValuePair.Create("x-amz-id-2", HostId(requestId))];

        /// <summary>The pipeline's own refusals in S3's words (S3 has no <c>MissingAuthenticationToken</c> nor <c>InvalidClientTokenId</c>).</summary>
        public override AwsError Spell(AwsError error) => error.Code switch
        {
            "MissingAuthenticationToken" => new AwsError("AccessDenied", "Access Denied", 403),
            "InvalidClientTokenId" => new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403),
            "InternalFailure" => new AwsError("InternalError", "We encountered an internal error. Please try again.", 500),
            _ => error,
        };

        public override AwsReply Render(AwsError error, string requestId)
        {
            using var buffer = new MemoryStream();
            using (var xml = System.Xml.XmlWriter.Create(buffer, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), CheckCharacters = false }))
            {
                xml.WriteStartElement("Error");
                xml.WriteElementString("Code", error.Code);
                xml.WriteElementString("Message", QueryXml.XmlSafe(error.Message));
                foreach (var (name, value) in error.Details)
                {
                    xml.WriteElementString(name, QueryXml.XmlSafe(value));
                }

                xml.WriteElementString("RequestId", requestId);
                xml.WriteElementString("HostId", HostId(requestId));
                xml.WriteEndElement();
            }

            return new AwsReply(error.StatusCode, "application/xml", buffer.ToArray()) { Headers = error.Headers };
        }

        /// <summary>S3's <c>x-amz-id-2</c>: an opaque token of the serving host; here derived from the request id, so both agree.</summary>
        private static string HostId(string requestId) =>
            Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestId)));
    }
}
