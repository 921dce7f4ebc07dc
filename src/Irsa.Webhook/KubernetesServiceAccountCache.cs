using System.Net;
using Irsa.Core.Caching;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Irsa.Webhook;

/// <summary>
/// Standalone-mode ServiceAccount cache: lists and watches ServiceAccounts in all namespaces
/// through the Kubernetes API and keeps their parsed annotations in an
/// <see cref="InMemoryServiceAccountStore"/>. On a miss during a grace-period wait it also
/// fetches the account directly, once per key, as upstream does.
/// </summary>
/// <remarks>
/// The keys come from unauthenticated <c>/mutate</c> bodies, so "once per key" is remembered in a bounded cache for
/// <see cref="FetchMemory"/>: a flood of invented names can neither grow memory nor make the webhook fetch the same
/// name more than once a minute.
/// </remarks>
public sealed class KubernetesServiceAccountCache : IServiceAccountLookup, IAsyncDisposable
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long a fetched key is remembered (not fetched again); the watch delivers later changes.</summary>
    public static readonly TimeSpan FetchMemory = TimeSpan.FromMinutes(1);

    /// <summary>Most keys remembered as fetched; beyond it the least recently asked-for are forgotten.</summary>
    public const int MaxRememberedFetches = 4096;

    private readonly IKubernetes _client;
    private readonly ServiceAccountAnnotationParser _parser;
    private readonly TimeProvider _time;
    private readonly BoundedCache<string, Task> _fetches;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _watchLoop;

    /// <summary>Creates the cache; call <see cref="StartAsync"/> to fill it.</summary>
    public KubernetesServiceAccountCache(IKubernetes client, ServiceAccountAnnotationParser parser, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(parser);
        _client = client;
        _parser = parser;
        _time = timeProvider ?? TimeProvider.System;
        _fetches = new BoundedCache<string, Task>(MaxRememberedFetches, FetchMemory, _time, StringComparer.Ordinal);
        Store = new InMemoryServiceAccountStore(parser, _time);
    }

    /// <summary>The underlying store (for debug endpoints and the "used" gauge event).</summary>
    public InMemoryServiceAccountStore Store { get; }

    /// <summary>Raised when listing, watching or fetching fails; the cache keeps retrying.</summary>
    public event EventHandler<Exception>? Error;

    /// <summary>
    /// Performs the initial list (so a failure here can stop the host, as upstream exits when its
    /// informer cannot sync) and then watches in the background until disposed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
        _watchLoop = Task.Run(() => WatchLoopAsync(resourceVersion, _stopping.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public ServiceAccountInfo? Find(string @namespace, string name) => Store.Find(@namespace, name);

    /// <inheritdoc />
    public Task<ServiceAccountInfo?> WaitForAsync(string @namespace, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // One fetch per key (within FetchMemory), even if it times out; later waits reuse the
        // notifier and the watch, like upstream.
        _fetches.GetOrAdd(@namespace + "/" + name, _ => Task.Run(() => FetchAsync(@namespace, name), CancellationToken.None));
        return Store.WaitForAsync(@namespace, name, timeout, cancellationToken);
    }

    /// <summary>Keys currently remembered as fetched (bounded by <see cref="MaxRememberedFetches"/>).</summary>
    public int RememberedFetchCount => _fetches.Count;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watchLoop is not null)
        {
            try
            {
                await _watchLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown.
            }
        }

        _stopping.Dispose();
    }

    private async Task<string?> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.CoreV1.ListServiceAccountForAllNamespacesWithHttpMessagesAsync(
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        Store.ReplaceAll(list.Items.Select(sa => KeyValuePair.Create(
            (sa.Metadata.NamespaceProperty ?? "", sa.Metadata.Name ?? ""),
            _parser.Parse(sa.Metadata.Annotations))));
        return list.Metadata?.ResourceVersion;
    }

    private async Task WatchLoopAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await ListAsync(cancellationToken).ConfigureAwait(false);
                // The watch variant of ListServiceAccountForAllNamespacesWithHttpMessagesAsync
                // (watch=true), through the client's non-obsolete streaming wrapper.
                var events = _client.CoreV1.WatchListServiceAccountForAllNamespacesAsync(
                    allowWatchBookmarks: true,
                    resourceVersion: resourceVersion,
                    timeoutSeconds: 300,
                    onError: e => Error?.Invoke(this, e),
                    cancellationToken: cancellationToken);

                await foreach (var (type, sa) in events.ConfigureAwait(false))
                {
                    if (type == WatchEventType.Error)
                    {
                        // Typically 410 Gone: the resource version expired; list again.
                        resourceVersion = null;
                        break;
                    }

                    resourceVersion = sa.Metadata?.ResourceVersion ?? resourceVersion;
                    Apply(type, sa);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or InvalidOperationException or System.Text.Json.JsonException)
            {
                Error?.Invoke(this, e);
                resourceVersion = null;
                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Apply(WatchEventType type, V1ServiceAccount sa)
    {
        var ns = sa.Metadata?.NamespaceProperty ?? "";
        var name = sa.Metadata?.Name ?? "";
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Store.Set(ns, name, _parser.Parse(sa.Metadata?.Annotations));
                break;
            case WatchEventType.Deleted:
                Store.Remove(ns, name);
                break;
        }
    }

    private async Task FetchAsync(string @namespace, string name)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            var sa = await _client.CoreV1.ReadNamespacedServiceAccountAsync(name, @namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            Store.Set(@namespace, name, _parser.Parse(sa.Metadata?.Annotations));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Not there yet; the watch will deliver it if it appears.
        }
        catch (Exception e) when (e is OperationCanceledException or HttpOperationException or HttpRequestException or IOException)
        {
            Error?.Invoke(this, e);
        }
    }
}
