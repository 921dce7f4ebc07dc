using Irsa.Iam.Accounts;
using Irsa.Iam.Common;
using Irsa.Iam.Tests.TestSupport;
using Irsa.Storage;

namespace Irsa.Iam.Tests.Accounts;

public sealed class BootstrapTests
{
    [Fact]
    public async Task Bootstrap_is_idempotent_and_returns_the_same_decrypted_key()
    {
        await using var host = await IamTestHost.StartAsync();
        var bootstrap = new IamBootstrap(host.Store, host.Protector, host.Time);

        var again = await bootstrap.EnsureAccountAsync(IamTestHost.AccountId);
        var unpinned = await bootstrap.EnsureAccountAsync();

        Assert.Equal(host.Admin, again);
        Assert.Equal(host.Admin, unpinned);
        Assert.Matches("^AKIA[A-Z2-7]{16}$", again.AccessKeyId);
        Assert.Equal(40, again.SecretAccessKey.Length);
        Assert.Single(await host.Store.ListAsync("iam.access-keys"));
        Assert.DoesNotContain(again.SecretAccessKey, await host.SnapshotAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(again.SecretAccessKey, again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpinned_first_start_creates_a_random_12_digit_account()
    {
        var directory = Directory.CreateTempSubdirectory("irsa-iam-");
        await using var store = await Irsa.Storage.SqlDocumentStore.OpenAsync(new Irsa.Storage.Sqlite.SqliteDialect(Path.Combine(directory.FullName, "db")));
        var bootstrap = new IamBootstrap(store, new Irsa.Core.Security.SecretProtector(new byte[32]), TimeProvider.System);

        var first = await bootstrap.EnsureAccountAsync();
        var second = await bootstrap.EnsureAccountAsync();

        Assert.Matches("^[1-9][0-9]{11}$", first.AccountId);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Access_key_lookup_returns_the_admin_identity_and_rejects_unknown_keys()
    {
        await using var host = await IamTestHost.StartAsync();
        var keys = new AccessKeys(host.Store, host.Protector);

        var found = await keys.FindAsync(host.Admin.AccessKeyId);
        var unknown = await keys.FindAsync("AKIAAAAAAAAAAAAAAAAA");
        var temporary = await keys.FindAsync("ASIAAAAAAAAAAAAAAAAA");

        Assert.NotNull(found);
        Assert.Equal(host.Admin.SecretAccessKey, found.SecretAccessKey);
        Assert.Equal("arn:aws:iam::123456789012:user/irsa-admin", found.UserArn);
        Assert.DoesNotContain(found.SecretAccessKey, found.ToString(), StringComparison.Ordinal);
        Assert.Null(unknown);
        Assert.Null(temporary);
        var caller = found.ToCallerIdentity();
        Assert.Equal(Irsa.Policy.PrincipalType.User, caller.PrincipalType);
        Assert.Equal("irsa-admin", caller.EntityName);
    }

    [Fact]
    public async Task Access_key_lookup_sees_a_changed_user_and_a_deactivated_key_at_once()
    {
        await using var host = await IamTestHost.StartAsync();
        var keys = new AccessKeys(host.Store, host.Protector);
        var id = host.Admin.AccessKeyId;
        var first = await keys.FindAsync(id);

        // Unchanged documents: the earlier lookup answers again.
        Assert.Same(first, await keys.FindAsync(id));

        var userKey = IamCollections.NameKey(IamTestHost.AccountId, "irsa-admin");
        await host.Store.TransactAsync(async session =>
        {
            var user = await session.GetAsync<UserRecord>(IamCollections.Users, userKey);
            await session.PutAsync(IamCollections.Users, userKey, user! with { Path = "/moved/" });
        });
        var moved = await keys.FindAsync(id);
        Assert.Equal("arn:aws:iam::123456789012:user/moved/irsa-admin", moved?.UserArn);

        await host.Store.TransactAsync(async session =>
        {
            var key = await session.GetAsync<AccessKeyRecord>(IamCollections.AccessKeys, id);
            await session.PutAsync(IamCollections.AccessKeys, id, key! with { Status = "Inactive" });
        });
        Assert.Null(await keys.FindAsync(id));
    }

    [Fact]
    public async Task A_different_master_key_cannot_decrypt_the_stored_secret()
    {
        await using var host = await IamTestHost.StartAsync();
        var wrongKey = new Irsa.Core.Security.SecretProtector(Enumerable.Repeat((byte)7, 32).ToArray());

        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() =>
            new IamBootstrap(host.Store, wrongKey, host.Time).EnsureAccountAsync(IamTestHost.AccountId));
    }
}
