using Irsa.Core.Security;
using Irsa.Server.Sts;
using Irsa.Storage;
using Irsa.Storage.Sqlite;
using Irsa.Sts;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Server.Tests.Sts;

/// <summary>
/// The gap: the session-token key ring rotated only at process start, so a server up for months sealed every session
/// with one key. The background service rotates it daily and prunes keys once every session they sealed has expired.
/// </summary>
public sealed class SessionKeyRotationTests
{
    private static IReadOnlyList<string> KeyIds(StsApi api) => [.. api.Sessions.KeyRing.ToState().Keys.Select(k => k.KeyId)];

    /// <summary>Waits (in real time, bounded) for the service's work triggered by a fake-clock tick to land.</summary>
    private static async Task<IReadOnlyList<string>> WaitForKeysAsync(StsApi api, Func<IReadOnlyList<string>, bool> done)
    {
        for (var attempt = 0; attempt < 100 && !done(KeyIds(api)); attempt++)
        {
            await Task.Delay(50);
        }

        return KeyIds(api);
    }

    [Fact]
    public async Task A_running_server_rotates_daily_and_prunes_after_the_longest_session()
    {
        var folder = Directory.CreateTempSubdirectory("irsa-keys-");
        try
        {
            await using var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(folder.FullName, "irsa.db")));
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero));
            var keys = new SessionKeyStore(store, new SecretProtector(new byte[32]), time);
            var api = StsApi.Create(new NoDirectory(), await keys.LoadOrCreateAsync(CancellationToken.None), time);
            using var service = new SessionKeyRotationService(keys, api, time);
            await service.StartAsync(CancellationToken.None);
            var first = Assert.Single(KeyIds(api));

            time.Advance(TimeSpan.FromHours(23));
            Assert.Equal([first], await WaitForKeysAsync(api, ids => ids.Count != 1));

            time.Advance(TimeSpan.FromHours(1));
            var rotated = await WaitForKeysAsync(api, ids => ids.Count == 2);
            Assert.Equal(first, rotated[0]);
            Assert.NotEqual(first, rotated[1]);

            // The old key opens sessions for up to 12 h after its successor appeared, then goes.
            time.Advance(TimeSpan.FromHours(12));
            Assert.Equal(2, (await WaitForKeysAsync(api, ids => ids.Count != 2)).Count);
            time.Advance(TimeSpan.FromHours(1));
            Assert.Equal([rotated[1]], await WaitForKeysAsync(api, ids => ids.Count == 1));

            await service.StopAsync(CancellationToken.None);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
