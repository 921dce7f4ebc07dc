using System.Globalization;
using Irsa.Core.Query;

namespace Irsa.Iam.Tests.Common;

/// <summary>The one-pass list index of <see cref="QueryParameters"/>: what it reads, and that huge lists stay cheap.</summary>
public sealed class QueryParametersTests
{
    private static QueryParameters Of(params (string Key, string Value)[] values) =>
        new(values.Select(v => KeyValuePair.Create(v.Key, v.Value)));

    [Fact]
    public void Scalar_lists_are_read_in_index_order_up_to_the_first_gap()
    {
        var parameters = Of(("Names.member.2", "b"), ("Names.member.1", "a"), ("Names.member.4", "d"), ("Other.member.1", "x"));

        Assert.Equal(["a", "b"], parameters.GetList("Names"));
        Assert.Equal(2, parameters.MemberCount("Names"));
        Assert.Equal(["x"], parameters.GetList("Other"));
    }

    [Fact]
    public void Structure_lists_group_fields_by_member()
    {
        var parameters = Of(("Tags.member.1.Key", "k1"), ("Tags.member.2.Value", "v2"), ("Tags.member.1.Value", "v1"), ("Tags.member.2.Key", "k2"));

        var tags = parameters.GetStructList("Tags")!;

        Assert.Equal(2, tags.Count);
        Assert.Equal("k1", tags[0]["Key"]);
        Assert.Equal("v1", tags[0]["Value"]);
        Assert.Equal("k2", tags[1]["Key"]);
        Assert.Equal("v2", tags[1]["Value"]);
    }

    [Fact]
    public void Nested_lists_are_indexed_under_both_prefixes()
    {
        var parameters = Of(("Entries.member.1.Name", "n"), ("Entries.member.1.Values.member.2", "second"), ("Entries.member.1.Values.member.1", "first"));

        var entry = Assert.Single(parameters.GetStructList("Entries")!);
        Assert.Equal("n", entry["Name"]);
        Assert.Equal("first", entry["Values.member.1"]);
        Assert.Equal(["first", "second"], parameters.GetList(QueryParameters.MemberPrefix("Entries", 1) + ".Values"));
    }

    [Fact]
    public void Absent_empty_and_malformed_indexes()
    {
        var parameters = Of(("Empty", ""), ("Bad.member.01", "leading zero"), ("Bad.member.0", "zero"), ("Bad.member.-1", "sign"), ("Bad.member.x", "text"));

        Assert.Null(parameters.GetList("Missing"));
        Assert.Null(parameters.GetStructList("Missing"));
        Assert.Equal(0, parameters.MemberCount("Missing"));
        Assert.Empty(parameters.GetList("Empty")!);
        Assert.Empty(parameters.GetStructList("Empty")!);
        Assert.Equal(0, parameters.MemberCount("Bad"));
    }

    [Fact]
    public void The_first_of_repeated_keys_wins()
    {
        var parameters = Of(("Names.member.1", "first"), ("Names.member.1", "second"));

        Assert.Equal(["first"], parameters.GetList("Names"));
    }

    [Fact]
    public void Fifty_thousand_structure_members_are_indexed_and_counted()
    {
        // Before the one-pass index this was members × parameters string scans (minutes at this size).
        const int count = 50_000;
        var parameters = new QueryParameters(Enumerable.Range(1, count)
            .Select(i => KeyValuePair.Create($"PolicyArns.member.{i.ToString(CultureInfo.InvariantCulture)}.arn", $"arn:aws:iam::aws:policy/P{i.ToString(CultureInfo.InvariantCulture)}")));

        Assert.Equal(count, parameters.MemberCount("PolicyArns"));
        var members = parameters.GetStructList("PolicyArns")!;
        Assert.Equal(count, members.Count);
        Assert.Equal("arn:aws:iam::aws:policy/P" + count.ToString(CultureInfo.InvariantCulture), members[^1]["arn"]);
    }
}
