using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Common;

namespace Irsa.Iam;

/// <summary>One IAM call as a handler sees it: the action, typed parameter access, the caller and the request id.</summary>
internal sealed class IamRequest(string action, QueryParameters parameters, CallerIdentity caller, string requestId)
{
    public string Action { get; } = action;

    public RequestReader Reader { get; } = new(parameters);

    public CallerIdentity Caller { get; } = caller;

    public string AccountId => Caller.AccountId;

    public string RequestId { get; } = requestId;

    /// <summary>A success document whose <c>{Op}Result</c> holds what <paramref name="writeResult"/> writes.</summary>
    public byte[] Respond(Action<XmlWriter> writeResult) => QueryXml.Success(Action, IamProtocol.Namespace, RequestId, writeResult);

    /// <summary>A success document for operations without output (only <c>ResponseMetadata</c>).</summary>
    public byte[] RespondEmpty() => QueryXml.Success(Action, IamProtocol.Namespace, RequestId, null);

    public static AwsErrorException Error(AwsError error) => new(error);
}
