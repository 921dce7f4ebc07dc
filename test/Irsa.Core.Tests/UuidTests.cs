using System.Buffers.Binary;
using Irsa.Core.Aws;
using Irsa.Core.Security;

namespace Irsa.Core.Tests;

public class UuidTests
{
    [Fact]
    public void Version_4_ids_carry_the_version_and_variant_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Uuid.NewVersion4()).ToList();

        Assert.All(ids, id => Assert.Equal((4, 0b10), (id.Version, id.Variant >> 2)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Random bits: every hex digit outside the version and variant positions takes many values across the ids.
        var text = ids.Select(id => id.ToString("N")).ToList();
        foreach (var position in Enumerable.Range(0, 32).Where(p => p is not 12 and not 16))
        {
            Assert.True(text.Select(t => t[position]).Distinct().Count() >= 15, $"hex digit {position} is not random");
        }
    }

    [Fact]
    public void Version_7_ids_start_with_the_unix_milliseconds_and_sort_by_time()
    {
        var time = new DateTimeOffset(2026, 12, 3, 16, 30, 0, 123, TimeSpan.Zero);

        var id = Uuid.NewVersion7(time);
        var later = Uuid.NewVersion7(time.AddMilliseconds(1));

        Assert.Equal((7, 0b10), (id.Version, id.Variant >> 2));
        Span<byte> bytes = stackalloc byte[16];
        Assert.True(id.TryWriteBytes(bytes, bigEndian: true, out _));
        Span<byte> timestamp = stackalloc byte[8];
        bytes[..6].CopyTo(timestamp[2..]);
        Assert.Equal(time.ToUnixTimeMilliseconds(), BinaryPrimitives.ReadInt64BigEndian(timestamp));
        Assert.True(string.CompareOrdinal(id.ToString(), later.ToString()) < 0);
        Assert.NotEqual(Uuid.NewVersion7(time), Uuid.NewVersion7(time));
    }

    [Fact]
    public void Ids_made_at_once_on_many_threads_never_share_random_bits()
    {
        // Each thread draws from its own pool, refilled many times over here: a pool shared or reused would repeat bits.
        var time = DateTimeOffset.UnixEpoch;
        var ids = new Guid[8][];
        Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = ids.Length },
            thread => ids[thread] = [.. Enumerable.Range(0, 5_000).Select(i => i % 2 == 0 ? Uuid.NewVersion7(time) : Uuid.NewVersion4())]);

        var all = ids.SelectMany(batch => batch).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        var randomParts = all.Select(id => id.ToString("N")[13..]).ToList();
        Assert.Equal(randomParts.Count, randomParts.Distinct().Count());
    }

    [Fact]
    public void Request_ids_are_version_7_uuids_in_the_form_aws_writes()
    {
        var id = AwsIds.NewRequestId();

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
    }
}
