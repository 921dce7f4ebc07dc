namespace Irsa.Node.Agent;

/// <summary>An error eks-auth answered (or the failure to reach it), with what the agent forwards to the pod.</summary>
public sealed class EksAuthException : Exception
{
    /// <summary>The codes the real agent treats as final: retrying cannot help, so the cached entry is dropped.</summary>
    private static readonly HashSet<string> FinalCodes = new(StringComparer.Ordinal)
    {
        "InvalidTokenException", "ExpiredTokenException", "ResourceNotFoundException", "AccessDeniedException",
    };

    public EksAuthException(int statusCode, string code, string message, string requestId)
        : base($"[{requestId}]: ({code}): {message}, fault: client")
    {
        StatusCode = statusCode;
        Code = code;
        RequestId = requestId;
    }

    public EksAuthException()
        : this(500, "InternalServerException", "eks-auth failed", "")
    {
    }

    public EksAuthException(string message)
        : this(500, "InternalServerException", message, "")
    {
    }

    public EksAuthException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        Code = "InternalServerException";
        RequestId = "";
    }

    /// <summary>eks-auth's HTTP status, which the agent answers with too; 500 when eks-auth could not be reached.</summary>
    public int StatusCode { get; }

    public string Code { get; }

    public string RequestId { get; }

    /// <summary>Whether the cached credentials of the token must be evicted rather than kept for a retry.</summary>
    public bool IsFinal => FinalCodes.Contains(Code);
}
