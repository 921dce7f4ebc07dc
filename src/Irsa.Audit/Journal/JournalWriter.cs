using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Journal;

/// <summary>Inserts a batch of entries in one transaction: one commit, one fsync.</summary>
internal static class JournalWriter
{
    public static long[] Insert(SqliteConnection connection, IReadOnlyList<(AuditEntry Entry, byte[] Record, string? Explanation)> batch)
    {
        var sequences = new long[batch.Count];
        using var transaction = connection.BeginTransaction();
        // The single writer numbers the batch itself (one read of the last seq, not a RETURNING row per entry).
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM events";
        var next = (long)last.ExecuteScalar()! + 1;

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO events (seq, event_id, request_id, event_time, event_name, event_source, read_only, username, access_key_id,
                account_id, region, error_code, cluster, issuer, namespace, service_account, pod_name, pod_uid, role_arn, record, explanation)
            VALUES ($seq, $event_id, $request_id, $event_time, $event_name, $event_source, $read_only, $username, $access_key_id,
                $account_id, $region, $error_code, $cluster, $issuer, $namespace, $service_account, $pod_name, $pod_uid, $role_arn, $record, $explanation)
            """;
        string[] names =
        [
            "$event_id", "$request_id", "$event_time", "$event_name", "$event_source", "$read_only", "$username", "$access_key_id",
            "$account_id", "$region", "$error_code", "$cluster", "$issuer", "$namespace", "$service_account", "$pod_name", "$pod_uid",
            "$role_arn", "$record", "$explanation",
        ];
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var parameters = names.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        parameters[2].SqliteType = SqliteType.Integer;
        parameters[5].SqliteType = SqliteType.Integer;
        parameters[18].SqliteType = SqliteType.Blob;

        using var resource = connection.CreateCommand();
        resource.Transaction = transaction;
        resource.CommandText = "INSERT INTO event_resources (seq, type, name) VALUES ($seq, $type, $name)";
        var resourceSeq = resource.Parameters.Add("$seq", SqliteType.Integer);
        var resourceType = resource.Parameters.Add("$type", SqliteType.Text);
        var resourceName = resource.Parameters.Add("$name", SqliteType.Text);

        for (var i = 0; i < batch.Count; i++)
        {
            var (entry, record, explanation) = batch[i];
            var pod = entry.Pod;
            object?[] values =
            [
                entry.EventId, entry.RequestId, entry.EventTime.ToUnixTimeSeconds(), entry.EventName, entry.EventSource, entry.ReadOnly ? 1 : 0,
                entry.EffectiveUsername, entry.AccessKeyId, entry.RecipientAccountId, entry.Record.AwsRegion, entry.ErrorCode,
                pod?.ClusterName, pod?.Issuer, pod?.Namespace, pod?.ServiceAccount, pod?.PodName, pod?.PodUid, entry.EffectiveRoleArn,
                record, explanation,
            ];
            for (var p = 0; p < values.Length; p++)
            {
                parameters[p].Value = values[p] ?? DBNull.Value;
            }

            seq.Value = sequences[i] = next++;
            insert.ExecuteNonQuery();
            foreach (var lookupResource in entry.EffectiveResources)
            {
                resourceSeq.Value = sequences[i];
                resourceType.Value = lookupResource.Type;
                resourceName.Value = lookupResource.Name;
                resource.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        return sequences;
    }
}
