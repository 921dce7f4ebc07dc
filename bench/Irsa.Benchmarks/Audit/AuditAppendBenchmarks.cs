// Durable audit appends: group commit against one commit per entry.
// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*AuditAppend*'
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;
using Irsa.Core.Security;
using Microsoft.Data.Sqlite;

namespace Irsa.Benchmarks.Audit;

/// <summary>
/// Cost per durably journaled CloudTrail record. Every method writes a burst of <see cref="Burst"/> records, each
/// acknowledged only after an fsync: the baseline commits each record in its own SQLite transaction (WAL,
/// <c>synchronous=FULL</c>), which is what a journal without group commit pays; the trail (<c>SyncInterval = null</c>)
/// fsyncs its log once per batch; <c>Trail_concurrent_burst</c> is the
/// request pipeline's shape (many requests appending at once); <c>Trail_one_at_a_time</c> shows the trail without
/// concurrency, where there is nothing to batch.
/// </summary>
[MemoryDiagnoser]
public class AuditAppendBenchmarks
{
    public const int Burst = 64;

    private string _directory = null!;
    private AuditTrail _trail = null!;
    private SqliteConnection _plain = null!;
    private SqliteCommand _plainInsert = null!;
    private CloudTrailRecord _record = null!;
    private byte[] _recordBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "irsa-audit-bench-" + Guid.NewGuid().ToString("N"));
        _trail = AuditTrail.Open(new AuditTrailOptions { Directory = Path.Combine(_directory, "trail"), SyncInterval = null }, new SecretProtector(RandomNumberGenerator.GetBytes(32)));
        _record = new CloudTrailRecord
        {
            UserIdentity = new WebIdentityUser("arn:aws:iam::111122223333:oidc-provider/irsa.example/id/ABC", "sts.amazonaws.com", "system:serviceaccount:ns:sa"),
            EventTime = DateTimeOffset.UtcNow,
            EventSource = "sts.amazonaws.com",
            EventName = "AssumeRoleWithWebIdentity",
            AwsRegion = "us-east-1",
            SourceIpAddress = "10.0.0.7",
            UserAgent = "aws-sdk-go-v2/1.30.0",
            RequestParameters = new JsonObject { ["roleArn"] = "arn:aws:iam::111122223333:role/app", ["roleSessionName"] = "s1" },
            ResponseElements = new JsonObject { ["credentials"] = CloudTrailElements.Credentials("ASIAEXAMPLE", DateTimeOffset.UtcNow.AddHours(1)) },
            RequestId = Guid.NewGuid().ToString(),
            EventId = Guid.NewGuid().ToString(),
            ReadOnly = true,
            Resources = [new CloudTrailResource("111122223333", "AWS::IAM::Role", "arn:aws:iam::111122223333:role/app")],
            RecipientAccountId = "111122223333",
        };
        _recordBytes = CloudTrailRecordWriter.ToUtf8Bytes(_record);

        Directory.CreateDirectory(_directory);
        _plain = new SqliteConnection($"Data Source={Path.Combine(_directory, "plain.db")};Pooling=False");
        _plain.Open();
        using (var setup = _plain.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT, record BLOB)";
            setup.ExecuteNonQuery();
        }

        _plainInsert = _plain.CreateCommand();
        _plainInsert.CommandText = "INSERT INTO events (event_id, record) VALUES ($id, $record)";
        _plainInsert.Parameters.Add("$id", SqliteType.Text);
        _plainInsert.Parameters.Add("$record", SqliteType.Blob);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _trail.DisposeAsync();
        _plainInsert.Dispose();
        _plain.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Burst)]
    public void Sqlite_commit_per_entry()
    {
        for (var i = 0; i < Burst; i++)
        {
            using var transaction = _plain.BeginTransaction();
            _plainInsert.Transaction = transaction;
            _plainInsert.Parameters[0].Value = _record.EventId;
            _plainInsert.Parameters[1].Value = _recordBytes;
            _plainInsert.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public Task Trail_concurrent_burst() =>
        Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => _trail.AppendAsync(new AuditEntry(_record))));

    [Benchmark(OperationsPerInvoke = Burst)]
    public async Task Trail_one_at_a_time()
    {
        for (var i = 0; i < Burst; i++)
        {
            await _trail.AppendAsync(new AuditEntry(_record));
        }
    }
}
