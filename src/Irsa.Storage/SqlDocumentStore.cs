using System.Data.Common;
using Irsa.Storage.Caching;

namespace Irsa.Storage;

/// <summary>
/// <see cref="IDocumentStore"/> over any ADO.NET provider; the <see cref="SqlDialect"/> supplies what differs
/// between SQLite and PostgreSQL (connections, transaction start, schema, retryable errors).
/// </summary>
/// <remarks>
/// Note: both backends share one table shape and the same SQL (<c>INSERT ... ON CONFLICT</c> works on both),
/// so behaviour cannot drift between the embedded default and the scaled-out deployment.
/// </remarks>
public sealed class SqlDocumentStore : IDocumentStore
{
    private const int MaxAttempts = 30;
    private readonly SqlDialect _dialect;

    /// <summary>Reads served from memory; <c>null</c> when writes of other processes could go unheard.</summary>
    private readonly DocumentCache? _cache;

    /// <summary>Hears other nodes' writes, where they share the database.</summary>
    private readonly IAsyncDisposable? _watch;

    private SqlDocumentStore(SqlDialect dialect)
    {
        _dialect = dialect;
        if (dialect.SeesEveryWrite)
        {
            _cache = new DocumentCache();
        }
        else
        {
            var cache = DocumentCache.Suspended();
            _watch = dialect.WatchOtherWriters(cache);
            _cache = _watch is null ? null : cache;
        }
    }

    /// <summary>Opens the store and applies pending schema migrations.</summary>
    public static async Task<SqlDocumentStore> OpenAsync(SqlDialect dialect, CancellationToken cancellationToken = default)
    {
        var store = new SqlDocumentStore(dialect);
        await SchemaMigrator.MigrateAsync(dialect, cancellationToken);
        return store;
    }

    public async Task<T> TransactAsync<T>(Func<IDocumentSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var writeLock = await _dialect.EnterWriteAsync(cancellationToken);
            await using var connection = await _dialect.OpenAsync(cancellationToken);
            await using var transaction = await _dialect.BeginAsync(connection, cancellationToken);
            try
            {
                var session = new Session(connection, transaction);
                var result = await work(session);
                if (session.Written.Count > 0)
                {
                    await _dialect.AnnounceWritesAsync(connection, transaction, session.Written, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                _cache?.Invalidate(session.Written);
                return result;
            }
            catch (DbException ex) when (attempt < MaxAttempts && _dialect.IsTransient(ex))
            {
                // Serialization failures under concurrency are expected on PostgreSQL; the whole unit reruns.
                await transaction.RollbackAsync(CancellationToken.None);
                // Jittered backoff so colliding writers do not collide again in lock step.
                await Task.Delay(System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 5 * attempt), cancellationToken);
            }
        }
    }

    public async Task<StoredDocument?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        if (_cache?.TryGet(collection, key, out var cached) == true)
        {
            return cached;
        }

        var generation = _cache?.Generation(collection) ?? 0;
        StoredDocument? document;
        await using (var connection = await _dialect.OpenAsync(cancellationToken))
        {
            document = await new Session(connection, null).GetAsync(collection, key);
        }

        _cache?.Add(collection, key, generation, document);
        return document;
    }

    public async Task<IReadOnlyList<StoredDocument>> ListAsync(string collection, string keyPrefix = "", string? afterKey = null,
        int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var query = new DocumentCache.ListQuery(keyPrefix, afterKey, limit);
        if (_cache?.TryList(collection, query, out var cached) == true)
        {
            return cached;
        }

        var generation = _cache?.Generation(collection) ?? 0;
        IReadOnlyList<StoredDocument> documents;
        await using (var connection = await _dialect.OpenAsync(cancellationToken))
        {
            documents = await new Session(connection, null).ListAsync(collection, keyPrefix, afterKey, limit);
        }

        _cache?.AddList(collection, query, generation, documents);
        return documents;
    }

    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }

        await _dialect.DisposeAsync();
    }

    private sealed class Session(DbConnection connection, DbTransaction? transaction) : IDocumentSession
    {
        /// <summary>The collections this transaction wrote, whose cached reads its commit ends.</summary>
        public HashSet<string> Written { get; } = new(StringComparer.Ordinal);

        public async Task<StoredDocument?> GetAsync(string collection, string key)
        {
            await using var command = Command("SELECT version, body FROM documents WHERE collection = @c AND doc_key = @k", collection, key);
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync()
                ? new StoredDocument(collection, key, reader.GetInt64(0), reader.GetString(1))
                : null;
        }

        public async Task<IReadOnlyList<StoredDocument>> ListAsync(string collection, string keyPrefix = "", string? afterKey = null, int limit = int.MaxValue)
        {
            await using var command = Command(
                "SELECT doc_key, version, body FROM documents WHERE collection = @c AND substr(doc_key, 1, @n) = @k AND doc_key > @after ORDER BY doc_key LIMIT @limit",
                collection, keyPrefix);
            Add(command, "@n", keyPrefix.Length);
            Add(command, "@after", afterKey ?? "");
            Add(command, "@limit", (long)limit);
            var list = new List<StoredDocument>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                list.Add(new StoredDocument(collection, reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
            }

            return list;
        }

        public async Task<long> PutAsync(string collection, string key, string json, long? expectedVersion = null)
        {
            var current = await GetAsync(collection, key);
            if (expectedVersion is { } expected && (current?.Version ?? 0) != expected)
            {
                throw new ConcurrencyConflictException(collection, key);
            }

            Written.Add(collection);
            var version = (current?.Version ?? 0) + 1;
            await using var command = Command(
                "INSERT INTO documents (collection, doc_key, version, body) VALUES (@c, @k, @v, @b) " +
                "ON CONFLICT (collection, doc_key) DO UPDATE SET version = excluded.version, body = excluded.body",
                collection, key);
            Add(command, "@v", version);
            Add(command, "@b", json);
            await command.ExecuteNonQueryAsync();
            return version;
        }

        public async Task<bool> DeleteAsync(string collection, string key)
        {
            Written.Add(collection);
            await using var command = Command("DELETE FROM documents WHERE collection = @c AND doc_key = @k", collection, key);
            return await command.ExecuteNonQueryAsync() > 0;
        }

        private DbCommand Command(string sql, string collection, string key)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            Add(command, "@c", collection);
            Add(command, "@k", key);
            return command;
        }

        private static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
