namespace Irsa.Webhook;

/// <summary>
/// Where the admission path finds a pod's ServiceAccount. Implementations hold parsed entries for
/// every known ServiceAccount, annotated or not.
/// </summary>
public interface IServiceAccountLookup
{
    /// <summary>The cached entry for <c>namespace/name</c>, or null when the account is unknown.</summary>
    ServiceAccountInfo? Find(string @namespace, string name);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <c>namespace/name</c> to appear (the upstream
    /// "grace period"), returning null on timeout. Implementations backed by an API server may
    /// also fetch the account directly.
    /// </summary>
    Task<ServiceAccountInfo?> WaitForAsync(string @namespace, string name, TimeSpan timeout, CancellationToken cancellationToken);
}
