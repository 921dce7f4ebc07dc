using System.Security.Cryptography;
using Irsa.Audit.Journal;
using Irsa.Core.Security;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Audit.Tests;

/// <summary>A trail in a fresh temporary folder, on a fake clock, deleted afterwards.</summary>
internal sealed class TrailFixture : IAsyncDisposable
{
    public TrailFixture(DateTimeOffset? start = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "irsa-audit-tests", Guid.NewGuid().ToString("N"));
        MasterKey = RandomNumberGenerator.GetBytes(32);
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        Options = new AuditTrailOptions { Directory = Directory };
        Trail = Open();
    }

    public string Directory { get; }

    public byte[] MasterKey { get; }

    public FakeTimeProvider Time { get; }

    public AuditTrailOptions Options { get; set; }

    public AuditTrail Trail { get; private set; }

    public AuditTrail Open() => AuditTrail.Open(Options, new SecretProtector(MasterKey), Time);

    public async Task ReopenAsync()
    {
        await Trail.DisposeAsync();
        Trail = Open();
    }

    public async ValueTask DisposeAsync()
    {
        await Trail.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
