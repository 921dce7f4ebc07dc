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

    protected override async Task<IDocumentStore> OpenAsync() =>
        await SqlDocumentStore.OpenAsync(new PostgresDialect(_connectionString!));
}
