using System.Data.Common;

namespace Irsa.Storage;

/// <summary>What differs between the SQL backends behind <see cref="SqlDocumentStore"/>.</summary>
public abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>Backend name recorded in logs and <c>irsa up</c>'s banner.</summary>
    public abstract string Name { get; }

    /// <summary>The ordered schema migrations; index + 1 is the schema version.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serialises writers where the backend cannot (SQLite has one writer); a no-op elsewhere.</summary>
    public abstract Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken);

    /// <summary>Whether a failed transaction may simply be run again (serialization failure, deadlock, busy).</summary>
    public abstract bool IsTransient(DbException exception);

    /// <summary>
    /// Whether every write to the database goes through this process, so reads may be answered from memory until a write
    /// of this process ends them (<see cref="Caching.DocumentCache"/>). False where other nodes share the database.
    /// </summary>
    public virtual bool SeesEveryWrite => false;

    /// <summary>Tells the other nodes, at commit, which collections this transaction wrote (see <see cref="WatchOtherWriters"/>).</summary>
    public virtual Task AnnounceWritesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> collections,
        CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Where other nodes share the database: starts invalidating <paramref name="cache"/> on their writes, suspending it
    /// whenever it cannot hear them; the handle stops watching. <c>null</c>: this backend cannot, so nothing is cached.
    /// </summary>
    public virtual IAsyncDisposable? WatchOtherWriters(Caching.DocumentCache cache) => null;

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
