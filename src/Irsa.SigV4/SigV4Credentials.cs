namespace Irsa.SigV4;

/// <summary>Credentials used by <see cref="SigV4Signer"/>. <see cref="ToString"/> never prints the secret.</summary>
public sealed class SigV4Credentials
{
    public SigV4Credentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? SessionToken { get; }

    public override string ToString() => $"SigV4Credentials({AccessKeyId}, secret redacted)";
}
