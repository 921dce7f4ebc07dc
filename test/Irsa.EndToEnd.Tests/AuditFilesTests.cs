using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Irsa.EndToEnd.Tests.Infrastructure;

namespace Irsa.EndToEnd.Tests;

/// <summary>
/// The trail's files on disk: <c>irsa audit verify</c> (server stopped) finds them clean after graceful stops, and finds a
/// modified log file and a deleted digest; a <c>kill -9</c> during a burst loses no record of an answered call.
/// Each test owns its server, since it stops and restarts it.
/// </summary>
public sealed class AuditFilesTests
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    [Fact]
    public async Task Verify_is_clean_after_graceful_stops_and_reports_a_modified_log_and_a_deleted_digest()
    {
        await using var irsa = new OwnedIrsa();
        await irsa.Process.InitializeAsync();
        await Ok(irsa.Process.AwsAsync("sts", "get-caller-identity"));
        await irsa.Process.StopAsync(SigTerm);
        await irsa.Process.RestartAsync();
        await Ok(irsa.Process.AwsAsync("iam", "list-roles"));
        await irsa.Process.StopAsync(SigTerm);

        var clean = await irsa.Process.IrsaAsync("audit", "verify");

        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Matches("[2-9]/[2-9] digest files valid", clean.StandardOutput);
        Assert.Contains("log files valid", clean.StandardOutput, StringComparison.Ordinal);

        // One flipped character inside a delivered log file.
        var log = Files(irsa.Process, "CloudTrail").First(f => f.EndsWith(".json.gz", StringComparison.Ordinal));
        var original = await File.ReadAllBytesAsync(log);
        var text = Gunzip(original);
        var at = text.IndexOf("\"eventName\":\"", StringComparison.Ordinal) + "\"eventName\":\"".Length;
        await File.WriteAllBytesAsync(log, Gzip(text[..at] + (text[at] == 'X' ? 'Y' : 'X') + text[(at + 1)..]));
        var modified = await irsa.Process.IrsaAsync("audit", "verify");

        Assert.Equal(1, modified.ExitCode);
        Assert.Contains($"{Path.GetFileName(log)}\tINVALID: hash value doesn't match", modified.StandardError, StringComparison.Ordinal);
        Assert.Contains("log files INVALID", modified.StandardOutput, StringComparison.Ordinal);

        // The log restored, the oldest digest deleted: the chain from the newer one names it.
        await File.WriteAllBytesAsync(log, original);
        var digest = Files(irsa.Process, "CloudTrail-Digest").Where(f => f.EndsWith(".json.gz", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
        File.Delete(digest);
        var deleted = await irsa.Process.IrsaAsync("audit", "verify");

        Assert.Equal(1, deleted.ExitCode);
        Assert.Contains($"{Path.GetFileName(digest)}\tINVALID: not found", deleted.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kill_9_during_a_burst_loses_no_record_of_an_answered_call()
    {
        await using var irsa = new OwnedIrsa();
        await irsa.Process.InitializeAsync();
        var credentials = File.ReadLines(Path.Combine(irsa.Process.DataDirectory, "credentials"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(credentials["aws_access_key_id"], credentials["aws_secret_access_key"]),
            new AmazonSecurityTokenServiceConfig { ServiceURL = irsa.Process.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        // 200 concurrent callers, 10 calls each; the server is killed once 200 calls were answered, mid-burst.
        const int Callers = 200, CallsPerCaller = 10, KillAfter = 200;
        var answered = new ConcurrentBag<string>();
        var answeredCount = 0;
        var killed = new TaskCompletionSource();
        async Task CallerAsync()
        {
            try
            {
                for (var call = 0; call < CallsPerCaller; call++)
                {
                    var response = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
                    answered.Add(response.ResponseMetadata.RequestId);
                    if (Interlocked.Increment(ref answeredCount) == KillAfter)
                    {
                        await irsa.Process.StopAsync(SigKill);
                        killed.TrySetResult();
                    }
                }
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
            {
                // Not answered: the server died first. Nothing is claimed about this call.
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(CallerAsync)));
        await killed.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.InRange(answered.Count, KillAfter, (Callers * CallsPerCaller) - 1);

        await irsa.Process.RestartAsync();
        // The AWS CLI pages through LookupEvents (50 a page) until NextToken runs out.
        var lookup = await Ok(irsa.Process.AwsAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=GetCallerIdentity"));
        var recorded = JsonNode.Parse(lookup.StandardOutput)!["Events"]!.AsArray()
            .Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!["requestID"]!.GetValue<string>()).ToHashSet();
        await irsa.Process.StopAsync(SigTerm);
        var verify = await irsa.Process.IrsaAsync("audit", "verify");

        var lost = answered.Except(recorded).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} answered calls have no record: {string.Join(", ", lost.Take(5))}");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static IEnumerable<string> Files(IrsaProcess irsa, string kind) =>
        Directory.EnumerateFiles(Path.Combine(irsa.DataDirectory, "audit", "cloudtrail", "AWSLogs"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}{kind}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static async Task<ToolResult> Ok(Task<ToolResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>A server this test starts, stops and restarts itself.</summary>
    private sealed class OwnedIrsa : IAsyncDisposable
    {
        public IrsaProcess Process { get; } = new();

        public async ValueTask DisposeAsync() => await Process.DisposeAsync();
    }
}
