using Irsa.Node.Tokens;

namespace Irsa.Node.Tests.TestSupport;

internal sealed class FixedRandomSource(double value) : IRandomSource
{
    public double NextDouble() => value;
}
