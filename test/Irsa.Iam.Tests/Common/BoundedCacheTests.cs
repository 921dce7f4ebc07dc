using Irsa.Core.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Iam.Tests.Common;

/// <summary>The shared bounded cache: capacity with least-recently-used eviction, lifetime, comparer.</summary>
public sealed class BoundedCacheTests
{
    [Fact]
    public void Never_holds_more_than_its_capacity()
    {
        var cache = new BoundedCache<int, int>(100);

        for (var i = 0; i < 10_000; i++)
        {
            cache.Set(i, i);
        }

        Assert.Equal(100, cache.Count);
        Assert.True(cache.TryGetValue(9_999, out _));
        Assert.False(cache.TryGetValue(0, out _));
    }

    [Fact]
    public void A_read_protects_an_entry_from_eviction()
    {
        var cache = new BoundedCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("b", 2);

        Assert.True(cache.TryGetValue("a", out _));
        cache.Set("c", 3);

        Assert.True(cache.TryGetValue("a", out var a));
        Assert.Equal(1, a);
        Assert.False(cache.TryGetValue("b", out _));
    }

    [Fact]
    public void Entries_expire_after_their_lifetime()
    {
        var time = new FakeTimeProvider();
        var cache = new BoundedCache<string, int>(10, TimeSpan.FromSeconds(1), time);
        cache.Set("a", 1);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.True(cache.TryGetValue("a", out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGetValue("a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void The_comparer_defines_one_entry_per_canonical_key()
    {
        var cache = new BoundedCache<string, int>(10, comparer: StringComparer.OrdinalIgnoreCase);

        cache.Set("Key", 1);
        cache.Set("KEY", 2);

        Assert.Equal(1, cache.Count);
        Assert.Equal(2, cache.GetOrAdd("key", _ => 3));
    }

    [Fact]
    public void RemoveWhere_and_Remove_forget_entries()
    {
        var cache = new BoundedCache<string, int>(10);
        cache.Set("ns1/a", 1);
        cache.Set("ns1/b", 2);
        cache.Set("ns2/a", 3);

        cache.RemoveWhere(k => k.StartsWith("ns1/", StringComparison.Ordinal));
        Assert.True(cache.Remove("ns2/a"));

        Assert.Equal(0, cache.Count);
        Assert.False(cache.Remove("ns2/a"));
    }
}
