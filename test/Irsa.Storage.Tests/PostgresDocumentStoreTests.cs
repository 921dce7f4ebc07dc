using Irsa.Storage.Postgres;
using Npgsql;

namespace Irsa.Storage.Tests;

/// <summary>
/// The same contract on PostgreSQL. Needs <c>IRSA_TEST_POSTGRES</c> (test.sh provides it); without it these tests
/// fail rather than skip, so a missing database can never pass for a green run.
/// </summary>
public sealed class PostgresDocumentStoreTests : DocumentStoreContract, IAsyncLifetime
{
    private readonly string _schema = "t" + Guid.NewGuid().ToString("N");
    private string? _connectionString;

    public async Task InitializeAsync()
    {
        var baseConnection = Environment.GetEnvironmentVariable("IRSA_TEST_POSTGRES")
            ?? throw new InvalidOperationException("IRSA_TEST_POSTGRES is not set: run the tests through ./test.sh, which provides a PostgreSQL database.");
        await using (var connection = new NpgsqlConnection(baseConnection))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
            await create.ExecuteNonQueryAsync();
        }

        // Each test class instance gets its own schema, so tests never see each other's rows.
        _connectionString = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = _schema }.ToString();
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_node_hears_another_nodes_write_and_stops_answering_its_cached_read()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        await first.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":1}"));

        // The second node reads (and, once its listener is connected, keeps) the first version...
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        Assert.Equal(1, (await second.GetAsync("roles", "r1"))!.Version);
        Assert.Single(await second.ListAsync("roles"));
        await Task.Delay(300);
        Assert.Equal(1, (await second.GetAsync("roles", "r1"))!.Version);

        // ...until the first node's write is announced at its commit.
        await first.TransactAsync(async s =>
        {
            await s.PutAsync("roles", "r1", "{\"v\":2}");
            return await s.PutAsync("roles", "r2", "{}");
        });
        while ((await second.GetAsync("roles", "r1"))!.Version != 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, (await second.GetAsync("roles", "r1"))!.Version);
        Assert.Equal(2, (await second.ListAsync("roles")).Count);
    }

    protected override async Task<IDocumentStore> OpenAsync() =>
        await SqlDocumentStore.OpenAsync(new PostgresDialect(_connectionString!));
}
