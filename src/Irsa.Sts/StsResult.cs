using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts;

/// <summary>The outcome of one STS call: the response body, or the AWS error to render, plus what the audit trail records.</summary>
public sealed class StsResult
{
    private StsResult(byte[]? body, AwsError? error, RoleSession? issuedSession, string? detail, Explanation? explanation, WebIdentityCaller? webIdentity)
    {
        Body = body;
        Error = error;
        IssuedSession = issuedSession;
        Detail = detail;
        Explanation = explanation;
        WebIdentity = webIdentity;
    }

    /// <summary>The XML body (HTTP 200, <c>text/xml</c>) on success.</summary>
    public byte[]? Body { get; }

    /// <summary>The error on failure; render with <see cref="RenderError"/> and <see cref="AwsError.StatusCode"/>.</summary>
    public AwsError? Error { get; }

    /// <summary>
    /// The session minted by <c>AssumeRoleWithWebIdentity</c>, for auditing (contains no secret); its <see cref="RoleSession.Pod"/>
    /// is the pod attribution every later call made with these credentials carries.
    /// </summary>
    public RoleSession? IssuedSession { get; }

    /// <summary>A loggable internal reason for a failure (never a token or secret), not sent to the client; the <see cref="Explanation"/>'s summary when there is one.</summary>
    public string? Detail { get; }

    /// <summary>Why the call failed, for the operator (the client gets only <see cref="Error"/>); never holds a token or secret.</summary>
    public Explanation? Explanation { get; }

    /// <summary>
    /// <c>AssumeRoleWithWebIdentity</c>'s caller as far as the token tells (issuer, provider ARN, <c>aud</c>, <c>sub</c>, pod), on success
    /// and on every failure after the token parsed and named an issuer, so a failed call can still be recorded with its <c>WebIdentityUser</c>.
    /// </summary>
    public WebIdentityCaller? WebIdentity { get; }

    /// <summary>The <c>PackedPolicySize</c> the response reported, when it reported one.</summary>
    public int? PackedPolicySize { get; private init; }

    public bool IsSuccess => Error is null;

    public static StsResult Success(byte[] body, RoleSession? issuedSession = null, WebIdentityCaller? webIdentity = null, int? packedPolicySize = null) =>
        new(body, null, issuedSession, null, null, webIdentity) { PackedPolicySize = packedPolicySize };

    public static StsResult Failure(AwsError error, string? detail = null) => new(null, error, null, detail, null, null);

    /// <summary>A failure the audit trail can explain (and attribute, once the token named its issuer).</summary>
    public static StsResult Failure(AwsError error, Explanation explanation, WebIdentityCaller? webIdentity = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return new(null, error, null, explanation.Summary, explanation, webIdentity);
    }

    /// <summary>The <c>ErrorResponse</c> document in the STS namespace.</summary>
    public byte[] RenderError(string requestId) =>
        QueryXml.Error(StsProtocol.Namespace, Error ?? throw new InvalidOperationException("The call succeeded."), requestId);
}
