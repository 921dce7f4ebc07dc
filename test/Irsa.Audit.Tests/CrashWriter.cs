using Irsa.Audit.Journal;
using Irsa.Core.Security;

namespace Irsa.Audit.Tests;

/// <summary>
/// The child process of the kill -9 test: appends from many concurrent writers forever and prints each event id on
/// stdout only after <see cref="AuditTrail.AppendAsync"/> acknowledged it, until the parent kills it.
/// </summary>
internal static class CrashWriter
{
    public static async Task<int> RunAsync(string directory, string masterKeyBase64)
    {
        var trail = AuditTrail.Open(new AuditTrailOptions { Directory = directory }, new SecretProtector(Convert.FromBase64String(masterKeyBase64)));
        var output = Console.Out;
        var gate = new object();
        var writers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var record = Samples.AssumeRoleWithWebIdentity(eventTime: DateTimeOffset.UtcNow);
                await trail.AppendAsync(new AuditEntry(record));
                lock (gate)
                {
                    output.WriteLine(record.EventId);
                    output.Flush();
                }
            }
        }));
        await Task.WhenAll(writers);
        return 0;
    }
}
