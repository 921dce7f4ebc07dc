using System.Data.Common;

namespace Irsa.Storage;

/// <summary>Applies the dialect's numbered migrations once each, recording them in <c>schema_migrations</c>.</summary>
internal static class SchemaMigrator
{
    public static async Task MigrateAsync(SqlDialect dialect, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken);

        for (var version = 1; version <= dialect.Migrations.Count; version++)
        {
            await using var transaction = await dialect.BeginAsync(connection, cancellationToken);
            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = $"SELECT COUNT(*) FROM schema_migrations WHERE version = {version}";
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, dialect.Migrations[version - 1], cancellationToken);
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO schema_migrations (version, applied_at) VALUES ({version}, '{TimeProvider.System.GetUtcNow():O}')",
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
