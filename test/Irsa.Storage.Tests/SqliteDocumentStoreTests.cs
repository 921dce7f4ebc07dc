using Irsa.Storage.Sqlite;

namespace Irsa.Storage.Tests;

public sealed class SqliteDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("irsa-store-");

    protected override async Task<IDocumentStore> OpenAsync() =>
        await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(_directory.FullName, "irsa.db")));

    [Fact]
    public async Task Data_survives_reopening_and_migrations_are_idempotent()
    {
        await using (var store = await OpenAsync())
        {
            await store.TransactAsync(s => s.PutAsync("clusters", "demo", "{\"name\":\"demo\"}"));
        }

        await using var reopened = await OpenAsync();
        Assert.Equal("{\"name\":\"demo\"}", (await reopened.GetAsync("clusters", "demo"))!.Json);
    }

    [Fact]
    public async Task A_second_open_of_the_same_database_is_refused_while_the_first_is_open()
    {
        // Reads are served from memory on the promise that every write goes through this store.
        await using (var store = await OpenAsync())
        {
            var refused = Assert.Throws<IOException>(() => new SqliteDialect(Path.Combine(_directory.FullName, "irsa.db")));
            Assert.Contains("in use by another Irsa process", refused.Message, StringComparison.Ordinal);
        }

        await using var reopened = await OpenAsync();
        Assert.Null(await reopened.GetAsync("roles", "r1"));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
