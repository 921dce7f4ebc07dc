using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Sts.Sessions;

namespace Irsa.Sts;

/// <summary>The outcome of one STS call: the response body, or the AWS error to render.</summary>
public sealed class StsResult
{
    private StsResult(byte[]? body, AwsError? error, RoleSession? issuedSession, string? detail)
    {
        Body = body;
        Error = error;
        IssuedSession = issuedSession;
        Detail = detail;
    }

    /// <summary>The XML body (HTTP 200, <c>text/xml</c>) on success.</summary>
    public byte[]? Body { get; }

    /// <summary>The error on failure; render with <see cref="RenderError"/> and <see cref="AwsError.StatusCode"/>.</summary>
    public AwsError? Error { get; }

    /// <summary>The session minted by <c>AssumeRoleWithWebIdentity</c>, for auditing (contains no secret).</summary>
    public RoleSession? IssuedSession { get; }

    /// <summary>A loggable internal reason for a failure (never a token or secret), not sent to the client.</summary>
    public string? Detail { get; }

    public bool IsSuccess => Error is null;

    public static StsResult Success(byte[] body, RoleSession? issuedSession = null) => new(body, null, issuedSession, null);

    public static StsResult Failure(AwsError error, string? detail = null) => new(null, error, null, detail);

    /// <summary>The <c>ErrorResponse</c> document in the STS namespace.</summary>
    public byte[] RenderError(string requestId) =>
        QueryXml.Error(StsProtocol.Namespace, Error ?? throw new InvalidOperationException("The call succeeded."), requestId);
}
