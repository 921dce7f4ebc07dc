using System.Threading.Channels;
using Irsa.Node.Projection;
using Irsa.Node.Tests.TestSupport;
using Irsa.Node.Tokens;
using Microsoft.Extensions.Time.Testing;
using static Irsa.Node.Tests.TestSupport.Modes;

namespace Irsa.Node.Tests.Tokens;

public sealed class ProjectedTokenManagerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // hang guard only, never a timing assertion

    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeTokenRequester _requester;
    private readonly List<ProjectedTokenManager> _managers = [];

    public ProjectedTokenManagerTests() => _requester = new FakeTokenRequester(_time);

    private string Root => _temp.Combine("pods");

    public void Dispose()
    {
        foreach (var manager in _managers)
        {
            manager.StopAsync().GetAwaiter().GetResult();
        }

        _temp.Dispose();
    }

    private static PodTokenSpec Pod(long expirationSeconds = 86400, string uid = "0b5c1f9e-uid-a", PodSecurity? security = null) =>
        new("team-a", "app-7d9", uid, "s3-reader", [ProjectedTokenVolume.AwsIamToken(expirationSeconds: expirationSeconds)])
        {
            Security = security ?? PodSecurity.None,
        };

    private ProjectedTokenManager Manager(PodTokenSpec pod, TimeProvider? time = null, ITokenRequester? requester = null)
    {
        var manager = new ProjectedTokenManager(
            pod,
            new ProjectedTokenManagerOptions { RootDirectory = Root },
            requester ?? _requester,
            time ?? _time,
            new FixedRandomSource(0.5)); // jitter = 5 s
        _managers.Add(manager);
        return manager;
    }

    private static string ReadToken(ProjectedTokenManager manager) =>
        File.ReadAllText(manager.GetTokenFilePath(ProjectedTokenVolume.AwsIamTokenVolumeName));

    [Fact]
    public async Task StartAsync_RequestsABoundTokenAndWritesIt()
    {
        var manager = Manager(Pod());

        var result = await manager.StartAsync();

        var call = Assert.Single(_requester.Calls);
        Assert.Equal("team-a", call.Namespace);
        Assert.Equal("s3-reader", call.ServiceAccount);
        Assert.Equal(["sts.amazonaws.com"], call.Audiences);
        Assert.Equal(86400, call.ExpirationSeconds);
        Assert.Equal(new BoundPodReference("app-7d9", "0b5c1f9e-uid-a"), call.BoundPod);
        Assert.Equal("token-1", ReadToken(manager));
        Assert.Equal(Path.Combine(Root, "0b5c1f9e-uid-a", "aws-iam-token", "token"), manager.GetTokenFilePath("aws-iam-token"));
        var status = Assert.Single(result.Sources);
        Assert.Equal(ProjectedTokenState.Current, status.State);
        Assert.Equal(Start.AddDays(1), status.ExpiresAt);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public async Task EmptyAudience_RequestsNoAudiences()
    {
        var pod = Pod() with
        {
            Volumes = [new ProjectedTokenVolume("kube-api-access", [new ServiceAccountTokenProjection { ExpirationSeconds = 3607 }])],
        };

        await Manager(pod).StartAsync();

        Assert.Empty(Assert.Single(_requester.Calls).Audiences);
    }

    [Fact]
    public async Task SourcesWithTheSameAudienceAndLifetime_ShareOneRequest()
    {
        var source = new ServiceAccountTokenProjection { Audience = "sts.amazonaws.com", ExpirationSeconds = 3600 };
        var pod = Pod() with
        {
            Volumes =
            [
                new ProjectedTokenVolume("one", [source]),
                new ProjectedTokenVolume("two", [source, source with { Path = "other/token", Audience = "vault" }]),
            ],
        };
        var manager = Manager(pod);

        await manager.StartAsync();

        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal(File.ReadAllText(manager.GetTokenFilePath("one")), File.ReadAllText(manager.GetTokenFilePath("two")));
        Assert.Equal("token-2", File.ReadAllText(manager.GetTokenFilePath("two", "other/token")));
    }

    [Fact]
    public async Task FailingSharedSource_IsRequestedOncePerSync()
    {
        var source = new ServiceAccountTokenProjection { Audience = "sts.amazonaws.com", ExpirationSeconds = 3600 };
        var pod = Pod() with { Volumes = [new ProjectedTokenVolume("one", [source, source with { Path = "copy" }])] };
        _requester.FailWith = new HttpRequestException("down");
        var manager = Manager(pod);

        var result = await manager.SyncAsync();

        Assert.Single(_requester.Calls);
        Assert.All(result.Sources, status => Assert.Equal(ProjectedTokenState.Failed, status.State));
    }

    [Fact]
    public async Task OneHourToken_IsRefreshedAfter80PercentMinusJitterAndNotBefore()
    {
        var manager = Manager(Pod(expirationSeconds: 3600));
        await manager.SyncAsync(); // no background loop: the test drives every sync
        var dataLink = Path.Combine(manager.GetVolumeDirectory("aws-iam-token"), AtomicWriter.DataDirectoryName);
        var firstTarget = new FileInfo(dataLink).LinkTarget;

        // Threshold: iat + 48 min - 5 s jitter = 47:55.
        _time.Advance(TimeSpan.FromMinutes(47) + TimeSpan.FromSeconds(54));
        var before = await manager.SyncAsync();

        Assert.Single(_requester.Calls);
        Assert.Equal("token-1", ReadToken(manager));
        Assert.Equal(firstTarget, new FileInfo(dataLink).LinkTarget); // no rewrite without a change
        Assert.Equal(ProjectedTokenState.Current, before.Sources[0].State);

        _time.Advance(TimeSpan.FromSeconds(2));
        await manager.SyncAsync();

        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal("token-2", ReadToken(manager));
        Assert.NotEqual(firstTarget, new FileInfo(dataLink).LinkTarget);
    }

    [Fact]
    public async Task OneDayToken_IsRefreshedAfter19Point2Hours()
    {
        var manager = Manager(Pod(expirationSeconds: 86400));
        await manager.SyncAsync(); // no background loop: the test drives every sync

        _time.Advance(TimeSpan.FromSeconds(69120 - 5 - 1));
        await manager.SyncAsync();
        Assert.Single(_requester.Calls);

        _time.Advance(TimeSpan.FromSeconds(2));
        await manager.SyncAsync();
        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal("token-2", ReadToken(manager));
    }

    [Fact]
    public async Task RefreshFailure_KeepsOldTokenUntilItExpires()
    {
        var manager = Manager(Pod(expirationSeconds: 3600));
        await manager.SyncAsync(); // no background loop: the test drives every sync
        _requester.FailWith = new HttpRequestException("apiserver unavailable");

        _time.Advance(TimeSpan.FromMinutes(50));
        var failing = await manager.SyncAsync();

        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal("token-1", ReadToken(manager));
        Assert.Equal(ProjectedTokenState.RefreshFailing, failing.Sources[0].State);
        Assert.IsType<HttpRequestException>(failing.Sources[0].Error);
        Assert.False(failing.HasErrors);

        _time.Advance(TimeSpan.FromMinutes(10)); // exactly at exp: still served
        Assert.Equal(ProjectedTokenState.RefreshFailing, (await manager.SyncAsync()).Sources[0].State);

        _time.Advance(TimeSpan.FromSeconds(1));
        var expired = await manager.SyncAsync();

        Assert.Equal(ProjectedTokenState.Failed, expired.Sources[0].State);
        Assert.True(expired.HasErrors);
        Assert.Equal("token-1", ReadToken(manager)); // files are left as they are, like the kubelet

        _requester.FailWith = null;
        var recovered = await manager.SyncAsync();

        Assert.Equal(ProjectedTokenState.Current, recovered.Sources[0].State);
        Assert.Null(recovered.Sources[0].Error);
        Assert.Equal("token-5", ReadToken(manager));
    }

    [Fact]
    public async Task ClockGoingBackwards_TriggersRefresh()
    {
        var clock = new SettableTimeProvider(Start);
        var requester = new FakeTokenRequester(clock);
        var manager = Manager(Pod(expirationSeconds: 3600), clock, requester);
        await manager.SyncAsync(); // no background loop: the test drives every sync

        clock.Now = Start.AddSeconds(30);
        await manager.SyncAsync();
        Assert.Single(requester.Calls);

        clock.Now = Start.AddSeconds(-1); // before iat
        await manager.SyncAsync();

        Assert.Equal(2, requester.Calls.Count);
        Assert.Equal("token-2", ReadToken(manager));
    }

    [Fact]
    public async Task IssuerClockAhead_TriggersRefreshLikeTheKubelet()
    {
        _requester.IssuerClockOffset = TimeSpan.FromMinutes(2); // response iat lies in our future
        var manager = Manager(Pod(expirationSeconds: 3600));
        await manager.SyncAsync(); // no background loop: the test drives every sync

        await manager.SyncAsync();

        Assert.Equal(2, _requester.Calls.Count);
    }

    [Fact]
    public async Task StartAsync_ThrowsWhenNoTokenCanBeObtained()
    {
        _requester.FailWith = new HttpRequestException("forbidden");
        var manager = Manager(Pod());

        var error = await Assert.ThrowsAsync<ProjectedTokenException>(() => manager.StartAsync());

        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(ProjectedTokenState.Failed, error.Result.Sources[0].State);
        Assert.False(File.Exists(manager.GetTokenFilePath("aws-iam-token")));
    }

    [Fact]
    public async Task BackgroundLoop_RefreshesOnTimerTicksAndStops()
    {
        var manager = Manager(Pod(expirationSeconds: 3600));
        await manager.StartAsync();
        var synced = Channel.CreateUnbounded<PodSyncResult>();
        manager.Synced += (_, result) => synced.Writer.TryWrite(result);

        for (var minute = 1; minute <= 47; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await synced.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        }

        Assert.Single(_requester.Calls); // 47:00 < 47:55

        _time.Advance(TimeSpan.FromMinutes(1));
        var refreshed = await synced.Reader.ReadAsync().AsTask().WaitAsync(Guard);

        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal(ProjectedTokenState.Current, refreshed.Sources[0].State);
        Assert.Equal("token-2", ReadToken(manager));

        await manager.StopAsync();
        _time.Advance(TimeSpan.FromHours(2));

        Assert.False(synced.Reader.TryRead(out _));
        Assert.Equal(2, _requester.Calls.Count);
        Assert.Equal("token-2", ReadToken(manager)); // stopping leaves the files
    }

    [Fact]
    public async Task StopAndCleanupAsync_DeletesOnlyThisPodsDirectory()
    {
        var first = Manager(Pod(uid: "pod-a"));
        var second = Manager(Pod(uid: "pod-b"));
        await first.StartAsync();
        await second.StartAsync();

        await first.StopAndCleanupAsync();

        Assert.False(Directory.Exists(first.PodDirectory));
        Assert.Equal("token-2", ReadToken(second));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.SyncAsync());
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(Directory.Exists(first.PodDirectory));
    }

    [Fact]
    public async Task DefaultPod_GetsPrivateDirectoriesAndDefaultFileMode()
    {
        var manager = Manager(Pod());

        await manager.StartAsync();

        Assert.Equal(M0711, File.GetUnixFileMode(Root));
        Assert.Equal(M0700, File.GetUnixFileMode(manager.PodDirectory));
        Assert.Equal(M0700, File.GetUnixFileMode(manager.GetVolumeDirectory("aws-iam-token")));
        Assert.Equal(M0644, File.GetUnixFileMode(manager.GetTokenFilePath("aws-iam-token")));
    }

    [Fact]
    public async Task VolumeDefaultMode_IsUsedWithoutUserOrGroup()
    {
        var pod = Pod() with { Volumes = [ProjectedTokenVolume.AwsIamToken() with { DefaultMode = M0640 }] };
        var manager = Manager(pod);

        await manager.StartAsync();

        Assert.Equal(M0640, File.GetUnixFileMode(manager.GetTokenFilePath("aws-iam-token")));
    }

    [Fact]
    public async Task EachPod_HasItsOwnSiblingDirectoryWithItsOwnModesAndOwners()
    {
        var userPod = Manager(Pod(uid: "pod-user", security: new PodSecurity { ContainerRunAsUsers = [1000, 1000] }));
        var groupPod = Manager(Pod(uid: "pod-group", security: new PodSecurity { RunAsUser = 1001, ContainerRunAsUsers = [1001, 1002], FsGroup = 2000 }));

        await userPod.StartAsync();
        await groupPod.StartAsync();

        Assert.Equal(Root, Path.GetDirectoryName(userPod.PodDirectory));
        Assert.Equal(Root, Path.GetDirectoryName(groupPod.PodDirectory));
        Assert.Equal(["pod-group", "pod-user"], Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        Assert.Equal(M0700, File.GetUnixFileMode(userPod.PodDirectory));
        Assert.Equal(M0700, File.GetUnixFileMode(userPod.GetVolumeDirectory("aws-iam-token")));
        Assert.Equal(M0600, File.GetUnixFileMode(userPod.GetTokenFilePath("aws-iam-token")));

        Assert.Equal(M0750, File.GetUnixFileMode(groupPod.PodDirectory));
        Assert.Equal(M0750, File.GetUnixFileMode(groupPod.GetVolumeDirectory("aws-iam-token")));
        Assert.Equal(M0640, File.GetUnixFileMode(groupPod.GetTokenFilePath("aws-iam-token")));

        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal((1000L, 0L), FileOwner.Of(userPod.PodDirectory));
            Assert.Equal((1000L, 0L), FileOwner.Of(userPod.GetTokenFilePath("aws-iam-token")));
            Assert.Equal((0L, 2000L), FileOwner.Of(groupPod.PodDirectory)); // containers differ: no single owner
            Assert.Equal((0L, 2000L), FileOwner.Of(groupPod.GetTokenFilePath("aws-iam-token")));
        }
    }

    [Fact]
    public async Task SymlinkedPodDirectory_IsRefused()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(_temp.Combine("elsewhere"));
        File.CreateSymbolicLink(Path.Combine(Root, "pod-a"), _temp.Combine("elsewhere"));
        var manager = Manager(Pod(uid: "pod-a"));

        await Assert.ThrowsAsync<IOException>(() => manager.StartAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("elsewhere")));
    }

    [Theory]
    [InlineData(599, "token", "uid")]
    [InlineData(4294967297, "token", "uid")]
    [InlineData(3600, "../token", "uid")]
    [InlineData(3600, "..data", "uid")]
    [InlineData(3600, "token", "../uid")]
    [InlineData(3600, "token", "..")]
    public void InvalidPods_AreRejected(long expirationSeconds, string path, string uid)
    {
        var pod = new PodTokenSpec("ns", "name", uid, "sa",
            [new ProjectedTokenVolume("v", [new ServiceAccountTokenProjection { ExpirationSeconds = expirationSeconds, Path = path }])]);

        Assert.Throws<ArgumentException>(() => Manager(pod));
    }

    [Fact]
    public async Task TickDuringARunningSync_QueuesExactlyOneMoreSync()
    {
        _requester.IssuerClockOffset = TimeSpan.FromMinutes(2); // iat in our future: every sync requests
        var gate = new BlockingTokenRequester(_requester);
        var manager = Manager(Pod(expirationSeconds: 3600), requester: gate);
        await manager.StartAsync();
        var synced = Channel.CreateUnbounded<PodSyncResult>();
        manager.Synced += (_, result) => synced.Writer.TryWrite(result);
        gate.Block();

        _time.Advance(TimeSpan.FromMinutes(1)); // starts a sync that blocks in the requester
        await gate.Entered.WaitAsync(Guard);
        _time.Advance(TimeSpan.FromMinutes(1)); // arrives while that sync runs: queued
        _time.Advance(TimeSpan.FromMinutes(1)); // coalesced with the queued one
        gate.Release();

        await synced.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        await synced.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        await manager.StopAsync();

        Assert.False(synced.Reader.TryRead(out _));
        Assert.Equal(3, _requester.Calls.Count); // start + blocked sync + one queued sync
    }

    /// <summary>Lets a test hold a request open to simulate a slow API server.</summary>
    private sealed class BlockingTokenRequester(ITokenRequester inner) : ITokenRequester
    {
        private TaskCompletionSource? _release;
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Block() => _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release!.SetResult();

        public async Task<TokenRequestResult> RequestAsync(
            string @namespace,
            string serviceAccount,
            IReadOnlyList<string> audiences,
            long expirationSeconds,
            BoundPodReference boundPod,
            CancellationToken cancellationToken)
        {
            if (_release is { } release)
            {
                _entered.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
            }

            return await inner.RequestAsync(@namespace, serviceAccount, audiences, expirationSeconds, boundPod, cancellationToken);
        }
    }
}
