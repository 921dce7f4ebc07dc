namespace Irsa.S3.Blobs;

/// <summary>
/// Where object and part bytes live, addressed by opaque ids the store chooses (never by user key names).
/// A write goes to a temporary blob that becomes visible only when committed, so readers never see half an object.
/// </summary>
public interface IBlobStore
{
    /// <summary>Starts a new blob; stream into <see cref="IBlobWriter.Content"/>, then commit or dispose (abort).</summary>
    IBlobWriter BeginWrite();

    /// <summary>
    /// Opens <paramref name="length"/> bytes of a committed blob from <paramref name="offset"/> for reading; without a
    /// length the stream is the whole blob and seekable. An open stream keeps reading the blob after it is deleted.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such blob.</exception>
    Stream OpenRead(string blobId, long offset = 0, long? length = null);

    /// <summary>The size in bytes of a committed blob.</summary>
    long GetSize(string blobId);

    /// <summary>Removes a committed blob; missing blobs are ignored (deletes are retried after crashes).</summary>
    void Delete(string blobId);
}

/// <summary>A blob being written. Disposing it without <see cref="CommitAsync"/> discards the temporary bytes.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    Stream Content { get; }

    /// <summary>Makes the bytes durable and visible under a new id, which it returns.</summary>
    Task<string> CommitAsync(CancellationToken cancellationToken);
}
