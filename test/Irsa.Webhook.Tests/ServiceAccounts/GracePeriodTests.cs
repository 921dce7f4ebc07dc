using Microsoft.Extensions.Time.Testing;
using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.ServiceAccounts;

public sealed class GracePeriodTests
{
    private const string Pod = """{"spec":{"serviceAccountName":"late","containers":[{"name":"a"}]}}""";

    private static (AdmissionHandler, InMemoryServiceAccountStore, FakeTimeProvider, RecordingMetrics) Create(TimeSpan grace)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryServiceAccountStore(timeProvider: time);
        var metrics = new RecordingMetrics();
        var options = new WebhookOptions { ServiceAccountLookupGracePeriod = grace };
        return (new AdmissionHandler(new PodMutator(options), store, metrics: metrics, timeProvider: time), store, time, metrics);
    }

    [Fact]
    public async Task ServiceAccountArrivingWithinGrace_IsUsed()
    {
        var (handler, store, _, metrics) = Create(TimeSpan.FromSeconds(1));
        var pending = handler.HandleAsync("application/json", Review(Pod));
        Assert.False(pending.IsCompleted);

        store.Set("default", "late", Sa());
        var response = await pending;

        Assert.Contains("\"patchType\":\"JSONPatch\"", System.Text.Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        Assert.Equal([AdmissionOutcome.MutatedWebIdentity], metrics.Outcomes);
    }

    [Fact]
    public async Task GraceTimeout_AllowsWithoutPatch()
    {
        var (handler, _, time, metrics) = Create(TimeSpan.FromSeconds(1));
        var pending = handler.HandleAsync("application/json", Review(Pod));
        time.Advance(TimeSpan.FromSeconds(1));
        var response = await pending;

        Assert.Equal("{\"response\":{\"uid\":\"u1\",\"allowed\":true}}", System.Text.Encoding.UTF8.GetString(response.Body));
        Assert.Equal([AdmissionOutcome.ServiceAccountMissing], metrics.Outcomes);
    }

    [Fact]
    public async Task ZeroGrace_DoesNotWait()
    {
        var (handler, store, _, metrics) = Create(TimeSpan.Zero);
        await handler.HandleAsync("application/json", Review(Pod));
        Assert.Equal([AdmissionOutcome.ServiceAccountMissing], metrics.Outcomes);
        Assert.False(store.HasWaiter("default", "late"));
    }

    [Fact]
    public async Task ContainerCredentials_NeverWait()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryServiceAccountStore(timeProvider: time);
        var identities = new ContainerCredentialsIdentitySet([("default", "late")]);
        var options = new WebhookOptions { ServiceAccountLookupGracePeriod = TimeSpan.FromHours(1) };
        var handler = new AdmissionHandler(new PodMutator(options), store, identities, timeProvider: time);

        var decision = await handler.AdmitAsync(FromJson(Pod), "default");

        Assert.Equal(AdmissionOutcome.MutatedContainerCredentials, decision.Outcome);
        Assert.True(decision.Mutation.IsMutated);
    }

    [Fact]
    public async Task ManyWaiters_ShareOneNotifier()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryServiceAccountStore(timeProvider: time);
        var waits = Enumerable.Range(0, 10).Select(_ => store.WaitForAsync("ns", "sa", TimeSpan.FromSeconds(5), CancellationToken.None)).ToArray();
        store.Set("ns", "sa", Sa());
        Assert.All(await Task.WhenAll(waits), r => Assert.Equal(Sa(), r));
    }

    [Fact]
    public void ReplaceAll_DropsVanishedAccounts()
    {
        var store = new InMemoryServiceAccountStore();
        var fired = 0;
        store.FirstServiceAccountAdded += (_, _) => fired++;
        store.Set("a", "old", Sa());
        store.ReplaceAll([KeyValuePair.Create(("a", "new"), Sa())]);
        Assert.Null(store.Find("a", "old"));
        Assert.NotNull(store.Find("a", "new"));
        Assert.Equal(1, fired);
    }
}
