using System.Data;
using System.Data.Common;
using Npgsql;

namespace Irsa.Storage.Postgres;

/// <summary>PostgreSQL for scale-out: many Irsa nodes share one database; serializable transactions retried on conflict.</summary>
/// <remarks>
/// Nodes cache reads (<see cref="Caching.DocumentCache"/>) and tell each other of writes with <c>NOTIFY</c>: a transaction
/// names the collections it wrote on <see cref="Channel"/>, delivered only if it commits, and each node's listener ends
/// its cached reads of them. A node's own writes are seen by its next read at once; another node's within the
/// notification's delivery (milliseconds on a healthy link). While the listener is not connected the cache answers
/// nothing, so a lost link costs speed, never freshness beyond the moment it broke.
/// </remarks>
public sealed class PostgresDialect(string connectionString) : SqlDialect
{
    /// <summary>The notification channel every Irsa node of a database listens on.</summary>
    public const string Channel = "irsa_documents";

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

    public override async Task AnnounceWritesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> collections,
        CancellationToken cancellationToken)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @collections)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        notify.Parameters.AddWithValue("channel", Channel);
        notify.Parameters.AddWithValue("collections", string.Join('\n', collections));
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    public override IAsyncDisposable? WatchOtherWriters(Caching.DocumentCache cache) => new WriteListener(connectionString, cache);

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>One connection that LISTENs, reconnecting after a failure; the cache is suspended while it is down.</summary>
    private sealed class WriteListener : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _dataSource;
        private readonly Caching.DocumentCache _cache;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public WriteListener(string connectionString, Caching.DocumentCache cache)
        {
            // Keepalives make a silently dropped link fail the wait within seconds instead of leaving the cache trusted.
            _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 5, Pooling = false }.ToString());
            _cache = cache;
            _loop = Task.Run(() => ListenAsync(_stop.Token));
        }

        private async Task ListenAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                    connection.Notification += (_, e) => _cache.Invalidate(e.Payload.Split('\n'));
                    await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken);
                    }

                    _cache.Resume();
                    while (true)
                    {
                        await connection.WaitAsync(cancellationToken);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception)
                {
                    // Whatever broke the link, writes may now go unheard: nothing is answered from memory until it is back.
                    _cache.Suspend();
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            _cache.Suspend();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
            await _dataSource.DisposeAsync();
        }
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}
