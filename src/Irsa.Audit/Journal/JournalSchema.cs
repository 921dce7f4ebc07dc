using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>The journal's tables and how its connections are opened.</summary>
internal static class JournalSchema
{
    public const string FileName = "journal.db";

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL,
            request_id TEXT NOT NULL,
            event_time INTEGER NOT NULL,
            event_name TEXT NOT NULL,
            event_source TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            username TEXT,
            access_key_id TEXT,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            error_code TEXT,
            cluster TEXT,
            issuer TEXT,
            namespace TEXT,
            service_account TEXT,
            pod_name TEXT,
            pod_uid TEXT,
            role_arn TEXT,
            record BLOB NOT NULL,
            explanation TEXT,
            log_key TEXT,
            resources TEXT
        );
        CREATE INDEX IF NOT EXISTS events_account_time ON events (account_id, event_time, seq);
        CREATE INDEX IF NOT EXISTS events_time ON events (event_time, seq);
        CREATE INDEX IF NOT EXISTS events_request ON events (request_id);
        CREATE INDEX IF NOT EXISTS events_event ON events (event_id);
        CREATE INDEX IF NOT EXISTS events_undelivered ON events (seq) WHERE log_key IS NULL;
        -- Only delivered rows are indexed by their log file: a row is inserted undelivered, so the insert costs no entry here
        -- (the full index it replaces, events_log, took one for every row's NULL).
        DROP INDEX IF EXISTS events_log;
        CREATE INDEX IF NOT EXISTS events_delivered ON events (log_key) WHERE log_key IS NOT NULL;
        CREATE TABLE IF NOT EXISTS log_files (
            s3_key TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            delivered_at INTEGER NOT NULL,
            hash TEXT NOT NULL,
            oldest_event INTEGER NOT NULL,
            newest_event INTEGER NOT NULL,
            written INTEGER NOT NULL,
            uploaded_at INTEGER
        );
        CREATE TABLE IF NOT EXISTS digests (
            s3_key TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER NOT NULL,
            body BLOB NOT NULL,
            signature TEXT NOT NULL,
            written INTEGER NOT NULL,
            uploaded_at INTEGER
        );
        CREATE TABLE IF NOT EXISTS chains (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            last_end INTEGER NOT NULL,
            last_key TEXT NOT NULL,
            last_hash TEXT NOT NULL,
            last_signature TEXT NOT NULL,
            PRIMARY KEY (account_id, region)
        );
        CREATE TABLE IF NOT EXISTS signing_keys (
            fingerprint TEXT PRIMARY KEY,
            public_key BLOB NOT NULL,
            protected_private_key TEXT NOT NULL,
            valid_from INTEGER NOT NULL,
            valid_to INTEGER
        );
        CREATE TABLE IF NOT EXISTS trail_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        """;

    public static string ConnectionString(string path, bool readOnly) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = readOnly,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Opens the single writer connection. WAL lets readers run beside the writer. <c>synchronous=FULL</c>: every commit
    /// fsyncs the WAL. Entries reach this database from <see cref="JournalLog"/> a thousand per transaction, and the log
    /// is emptied only once they are durable here, so the fsync is paid per thousand entries, not per call.
    /// </summary>
    public static SqliteConnection OpenWriter(string path)
    {
        var connection = new SqliteConnection(ConnectionString(path, readOnly: false));
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute(connection, Tables);
        // Journals from before bucket delivery: their files count as not yet delivered, and are delivered once a bucket is attached.
        AddColumnIfMissing(connection, "log_files", "uploaded_at", "INTEGER");
        AddColumnIfMissing(connection, "digests", "uploaded_at", "INTEGER");
        MoveResourcesIntoEvents(connection);
        return connection;
    }

    /// <summary>
    /// Journals from before the <c>resources</c> column kept each resource as a row of <c>event_resources</c>: a second
    /// table and index written for every record. Their resources move into the column, as the writer now stores them.
    /// </summary>
    private static void MoveResourcesIntoEvents(SqliteConnection connection)
    {
        AddColumnIfMissing(connection, "events", "resources", "TEXT");
        if (ReadStrings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'event_resources'").Count == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        Execute(connection, """
            UPDATE events SET resources = (SELECT json_group_array(json_array(r.type, r.name)) FROM event_resources r WHERE r.seq = events.seq)
            WHERE seq IN (SELECT seq FROM event_resources);
            DROP TABLE event_resources;
            """, transaction);
        transaction.Commit();
    }

    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        if (!ReadStrings(connection, $"SELECT name FROM pragma_table_info('{table}')").Contains(column))
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    public static SqliteConnection OpenReader(string path)
    {
        var connection = new SqliteConnection(ConnectionString(path, readOnly: true));
        connection.Open();
        return connection;
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as strings.</summary>
    public static List<string> ReadStrings(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var select = connection.CreateCommand();
        select.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            select.Parameters.AddWithValue(name, value);
        }

        using var reader = select.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
