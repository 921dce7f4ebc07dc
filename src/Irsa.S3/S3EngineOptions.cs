namespace Irsa.S3;

/// <summary>Settings of the S3 engine.</summary>
public sealed record S3EngineOptions
{
    /// <summary>The region this endpoint serves: bucket locations, <c>x-amz-bucket-region</c>, location constraints.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The largest single PutObject or part (AWS: 5 GiB).</summary>
    public long MaxObjectSize { get; init; } = 5L * 1024 * 1024 * 1024;
}
