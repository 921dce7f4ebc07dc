namespace Irsa.Node.Tests.TestSupport;

/// <summary>A clock that can be set backwards, which FakeTimeProvider refuses to do.</summary>
internal sealed class SettableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
