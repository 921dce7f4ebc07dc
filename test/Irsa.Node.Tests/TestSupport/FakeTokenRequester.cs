using Irsa.Node.Tokens;

namespace Irsa.Node.Tests.TestSupport;

/// <summary>Issues "token-&lt;n&gt;" with expirationTimestamp = clock + offset + expirationSeconds.</summary>
internal sealed class FakeTokenRequester(TimeProvider time) : ITokenRequester
{
    private readonly Lock _lock = new();
    private readonly List<TokenRequestCall> _calls = [];

    public Exception? FailWith { get; set; }

    /// <summary>Shifts the issuer's clock relative to ours (positive: the issuer is ahead).</summary>
    public TimeSpan IssuerClockOffset { get; set; }

    public IReadOnlyList<TokenRequestCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public Task<TokenRequestResult> RequestAsync(
        string @namespace,
        string serviceAccount,
        IReadOnlyList<string> audiences,
        long expirationSeconds,
        BoundPodReference boundPod,
        CancellationToken cancellationToken)
    {
        int count;
        lock (_lock)
        {
            _calls.Add(new TokenRequestCall(@namespace, serviceAccount, [.. audiences], expirationSeconds, boundPod));
            count = _calls.Count;
        }

        if (FailWith is not null)
        {
            return Task.FromException<TokenRequestResult>(FailWith);
        }

        var expires = time.GetUtcNow() + IssuerClockOffset + TimeSpan.FromSeconds(expirationSeconds);
        return Task.FromResult(new TokenRequestResult($"token-{count}", expires, expirationSeconds));
    }
}

internal sealed record TokenRequestCall(
    string Namespace,
    string ServiceAccount,
    string[] Audiences,
    long ExpirationSeconds,
    BoundPodReference BoundPod);
