namespace Irsa.Node.Tokens;

/// <summary>How a projected token source stands after a sync.</summary>
public enum ProjectedTokenState
{
    /// <summary>The file holds a token that did not need refreshing or was just refreshed.</summary>
    Current,

    /// <summary>A refresh failed; the file keeps the previous token, which has not expired yet.</summary>
    RefreshFailing,

    /// <summary>The file holds no valid token: none was ever obtained, it expired, or writing failed.</summary>
    Failed,
}

/// <summary>The state of one token source of one volume.</summary>
/// <param name="VolumeName">The volume.</param>
/// <param name="Path">The file path inside the volume.</param>
/// <param name="State">Whether the file holds a usable token.</param>
/// <param name="ExpiresAt">When the token in the file expires, if there is one.</param>
/// <param name="Error">The last request or write error, if any.</param>
public sealed record TokenSourceStatus(
    string VolumeName,
    string Path,
    ProjectedTokenState State,
    DateTimeOffset? ExpiresAt,
    Exception? Error);

/// <summary>The outcome of one sync of a pod's projected tokens.</summary>
/// <param name="PodUid">The pod.</param>
/// <param name="CompletedAt">When the sync finished.</param>
/// <param name="Sources">One entry per token source, in volume and source order.</param>
public sealed record PodSyncResult(string PodUid, DateTimeOffset CompletedAt, IReadOnlyList<TokenSourceStatus> Sources)
{
    /// <summary>True when some source has no usable token.</summary>
    public bool HasErrors => Sources.Any(source => source.State == ProjectedTokenState.Failed);
}

/// <summary>Thrown when a pod's tokens cannot be projected at start-up.</summary>
public sealed class ProjectedTokenException : Exception
{
    /// <summary>Creates the exception from the failed sync.</summary>
    public ProjectedTokenException(PodSyncResult result)
        : base(Describe(result), result?.Sources.Select(source => source.Error).FirstOrDefault(error => error is not null))
    {
        Result = result!;
    }

    /// <summary>The sync that failed.</summary>
    public PodSyncResult Result { get; }

    private static string Describe(PodSyncResult? result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failed = result.Sources
            .Where(source => source.State == ProjectedTokenState.Failed)
            .Select(source => $"{source.VolumeName}/{source.Path}: {source.Error?.Message ?? "no token"}");
        return $"Could not project the tokens of pod {result.PodUid}: " + string.Join("; ", failed);
    }
}
