using System.Globalization;
using k8s;
using Microsoft.Extensions.Time.Testing;
using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.ServiceAccounts;

/// <summary>
/// The attack: unauthenticated <c>/mutate</c> bodies naming ever-new service accounts while a lookup grace period is
/// set. Each name used to leave a waiter and a fetch entry behind forever; both are now dropped when done or bounded.
/// </summary>
public sealed class UnauthenticatedKeyBoundsTests
{
    private static string PodFor(int i) =>
        $$$"""{"spec":{"serviceAccountName":"invented-{{{i.ToString(CultureInfo.InvariantCulture)}}}","containers":[{"name":"a"}]}}""";

    [Fact]
    public async Task Waiters_for_names_that_never_appear_are_dropped_at_the_grace_timeout()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryServiceAccountStore(timeProvider: time);
        var handler = new AdmissionHandler(new PodMutator(new WebhookOptions { ServiceAccountLookupGracePeriod = TimeSpan.FromSeconds(1) }), store,
            timeProvider: time);

        var pending = Enumerable.Range(0, 5000).Select(i => handler.HandleAsync("application/json", Review(PodFor(i)))).ToList();
        Assert.Equal(5000, store.WaiterCount);
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(pending);

        Assert.Equal(0, store.WaiterCount);
    }

    [Fact]
    public async Task A_waiter_resolved_late_still_finds_the_account()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryServiceAccountStore(timeProvider: time);
        var first = store.WaitForAsync("default", "late", TimeSpan.FromSeconds(1), CancellationToken.None);
        var second = store.WaitForAsync("default", "late", TimeSpan.FromSeconds(2), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await first);
        store.Set("default", "late", Sa());
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(await second);
    }

    [Fact]
    public async Task Remembered_fetches_are_bounded()
    {
        // A client whose API server refuses connections: every fetch fails fast, which is all this test needs.
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" });
        await using var cache = new KubernetesServiceAccountCache(client, new ServiceAccountAnnotationParser(new WebhookOptions()));

        for (var i = 0; i < KubernetesServiceAccountCache.MaxRememberedFetches + 500; i++)
        {
            _ = cache.WaitForAsync("default", "invented-" + i.ToString(CultureInfo.InvariantCulture), TimeSpan.Zero, CancellationToken.None);
        }

        Assert.Equal(KubernetesServiceAccountCache.MaxRememberedFetches, cache.RememberedFetchCount);
    }
}
