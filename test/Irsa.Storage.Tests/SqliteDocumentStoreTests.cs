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

    public void Dispose() => _directory.Delete(recursive: true);
}
