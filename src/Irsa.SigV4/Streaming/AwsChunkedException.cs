namespace Irsa.SigV4.Streaming;

/// <summary>
/// Thrown by <see cref="AwsChunkedStream"/> when the body is not a valid aws-chunked body for its verified request.
/// <see cref="Error"/> is the S3 error to answer with. It derives from <see cref="IOException"/> because that is
/// what code copying a stream expects to see.
/// </summary>
public sealed class AwsChunkedException : IOException
{
    public AwsChunkedException()
        : this(SigV4Errors.IncompleteBody())
    {
    }

    public AwsChunkedException(string message)
        : base(message) => Error = SigV4Errors.IncompleteBody();

    public AwsChunkedException(string message, Exception innerException)
        : base(message, innerException) => Error = SigV4Errors.IncompleteBody();

    public AwsChunkedException(SigV4Error error)
        : base(Describe(error)) => Error = error;

    /// <summary>The S3 error: code, message, status and detail elements.</summary>
    public SigV4Error Error { get; }

    private static string Describe(SigV4Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"{error.Code}: {error.Message}";
    }
}
