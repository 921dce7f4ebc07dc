using Irsa.Core.Security;
using Irsa.Server.Sts;
using Irsa.SigV4;
using Irsa.Storage;
using Irsa.Storage.Sqlite;
using Irsa.Sts;
using Irsa.Sts.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Server.Tests.Sts;

/// <summary>
/// Opened session tokens are kept under their access key id: a kept open must answer only the exact token it came from,
/// and expiry must still be checked on every call.
/// </summary>
public sealed class SessionCredentialResolverTests
{
    [Fact]
    public async Task A_kept_open_answers_only_its_own_token_and_still_expires()
    {
        var folder = Directory.CreateTempSubdirectory("irsa-sessions-");
        try
        {
            await using var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(folder.FullName, "irsa.db")));
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero));
            var keys = new SessionKeyStore(store, new SecretProtector(new byte[32]), time);
            var api = StsApi.Create(new NoDirectory(), await keys.LoadOrCreateAsync(CancellationToken.None), time);
            var now = time.GetUtcNow();
            var issued = api.Sessions.Issue(new RoleSession
            {
                AccountId = "123456789012",
                RoleArn = "arn:aws:iam::123456789012:role/app",
                RoleId = "AROAEXAMPLEEXAMPLE01",
                RoleName = "app",
                SessionName = "s",
                IssuedAt = now,
                Expiration = now.AddMinutes(30),
            });
            var resolver = new SessionCredentialResolver(api, keys, time);

            var first = await resolver.ResolveAsync(issued.AccessKeyId, issued.SessionToken, CancellationToken.None);
            Assert.Equal(SigV4KeyResolutionStatus.Found, first.Status);
            Assert.Equal(issued.SecretAccessKey, first.SecretAccessKey);

            // Same length, one character changed, and a token of another session: refused although the key id's open is kept.
            var last = issued.SessionToken[^1] == 'A' ? 'B' : 'A';
            var tampered = issued.SessionToken[..^1] + last;
            var middle = issued.SessionToken.Length / 2;
            var tamperedInside = issued.SessionToken[..middle] + (issued.SessionToken[middle] == 'A' ? 'B' : 'A') + issued.SessionToken[(middle + 1)..];
            var other = api.Sessions.Issue(issued.Session with { SessionName = "other" }).SessionToken;
            Assert.Equal(SigV4KeyResolutionStatus.InvalidToken, (await resolver.ResolveAsync(issued.AccessKeyId, tamperedInside, CancellationToken.None)).Status);
            Assert.Equal(SigV4KeyResolutionStatus.InvalidToken, (await resolver.ResolveAsync(issued.AccessKeyId, tampered, CancellationToken.None)).Status);
            Assert.Equal(SigV4KeyResolutionStatus.InvalidToken, (await resolver.ResolveAsync(issued.AccessKeyId, other, CancellationToken.None)).Status);
            Assert.Equal(SigV4KeyResolutionStatus.InvalidToken, (await resolver.ResolveAsync(issued.AccessKeyId, null, CancellationToken.None)).Status);

            var again = await resolver.ResolveAsync(issued.AccessKeyId, issued.SessionToken, CancellationToken.None);
            Assert.Equal(SigV4KeyResolutionStatus.Found, again.Status);
            Assert.Same(first.Principal, again.Principal);

            time.Advance(TimeSpan.FromMinutes(31));
            Assert.Equal(SigV4KeyResolutionStatus.Expired, (await resolver.ResolveAsync(issued.AccessKeyId, issued.SessionToken, CancellationToken.None)).Status);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
