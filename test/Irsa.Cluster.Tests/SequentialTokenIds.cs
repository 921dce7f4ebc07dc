using System.Globalization;
using Irsa.Cluster.Tokens;

namespace Irsa.Cluster.Tests;

/// <summary>Deterministic token ids: 00000000-0000-4000-8000-00000000000N.</summary>
internal sealed class SequentialTokenIds : ITokenIdGenerator
{
    private int _next;

    public string NewTokenId() =>
        string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{++_next:D12}");
}
