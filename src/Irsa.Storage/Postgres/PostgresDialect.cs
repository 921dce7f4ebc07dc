using System.Data;
using System.Data.Common;
using Npgsql;

namespace Irsa.Storage.Postgres;

/// <summary>PostgreSQL for scale-out: many Irsa nodes share one database; serializable transactions retried on conflict.</summary>
public sealed class PostgresDialect(string connectionString) : SqlDialect
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override string Name => "postgres";

    public override IReadOnlyList<string> Migrations { get; } =
    [
        // COLLATE "C" gives byte-order key sorting, identical to SQLite's BINARY collation.
        """
        CREATE TABLE documents (
            collection TEXT COLLATE "C" NOT NULL,
            doc_key TEXT COLLATE "C" NOT NULL,
            version BIGINT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (collection, doc_key)
        )
        """,
    ];

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);

    public override Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IDisposable>(NoLock.Instance);

    public override bool IsTransient(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation };

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}
