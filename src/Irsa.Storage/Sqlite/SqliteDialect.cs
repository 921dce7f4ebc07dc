using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Irsa.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file in WAL mode (readers never block the single writer).</summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile bool _walEnabled;

    /// <summary>Held open while this process uses the database: no second process writes beneath its cached reads.</summary>
    private readonly FileStream _ownership;

    /// <summary>The pooled physical connections already set up: a pragma set once lasts the connection's life.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _prepared = [];

    /// <exception cref="IOException">Another process (or another open store in this one) uses the database.</exception>
    public SqliteDialect(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        try
        {
            // An advisory lock (flock on Unix, a sharing mode on Windows), released by the OS when the process dies.
            _ownership = new FileStream(databasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The database {databasePath} is in use by another Irsa process.", ex);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public override string Name => "sqlite";

    public override bool SeesEveryWrite => true;

    public override IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE documents (
            collection TEXT NOT NULL,
            doc_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (collection, doc_key)
        ) WITHOUT ROWID
        """,
    ];

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL is a property of the file, set once; synchronous is per connection (NORMAL is durable across process
        // crashes in WAL mode) and outlives a return to the pool, so each physical connection is set up once: every
        // operation reopens a pooled connection, and a pragma per open was a measurable part of a document read.
        if (!_walEnabled || !_prepared.TryGetValue(connection.Handle!, out _))
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _walEnabled ? "PRAGMA synchronous=NORMAL" : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            _walEnabled = true;
            _prepared.AddOrUpdate(connection.Handle!, connection.Handle!);
        }

        return connection;
    }

    public override async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading read locks.
        ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override async Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        return new Releaser(_writer);
    }

    public override bool IsTransient(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override async ValueTask DisposeAsync()
    {
        await using (var connection = await OpenAsync(CancellationToken.None))
        await using (var checkpoint = connection.CreateCommand())
        {
            // Fold the WAL back into the main file so a stopped server leaves one self-contained database.
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        _writer.Dispose();
        await _ownership.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
