using System.Globalization;
using System.Xml.Linq;
using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Simulation;

/// <summary>
/// Simulation results are produced page by page: a 1000 × 1000 grid (the largest the caps allow) answers one page of
/// MaxItems results, and the marker walks the grid in action-major order without repeating or skipping a pair.
/// </summary>
public sealed class SimulationPagingTests
{
    private static (string, string)[] Grid(int actions, int resources) =>
    [
        ("PolicyInputList.member.1", Docs.S3Read),
        .. Enumerable.Range(1, actions).Select(i => ($"ActionNames.member.{i.ToString(CultureInfo.InvariantCulture)}", "s3:Get" + i.ToString(CultureInfo.InvariantCulture))),
        .. Enumerable.Range(1, resources).Select(i => ($"ResourceArns.member.{i.ToString(CultureInfo.InvariantCulture)}", "arn:aws:s3:::b/" + i.ToString(CultureInfo.InvariantCulture))),
    ];

    private static IReadOnlyList<(string Action, string Resource)> Pairs(XElement result) =>
        [.. result.Element(Ns + "EvaluationResults")!.Elements(Ns + "member").Select(m => (Text(m, "EvalActionName"), Text(m, "EvalResourceName")))];

    [Fact]
    public async Task A_million_pair_grid_answers_one_page()
    {
        await using var host = await StartAsync();

        var result = Result(await host.CallAsync("SimulateCustomPolicy", [.. Grid(1000, 1000), ("MaxItems", "3")]), "SimulateCustomPolicy");

        Assert.Equal([("s3:Get1", "arn:aws:s3:::b/1"), ("s3:Get1", "arn:aws:s3:::b/2"), ("s3:Get1", "arn:aws:s3:::b/3")], Pairs(result));
        Assert.Equal("true", Text(result, "IsTruncated"));
    }

    [Fact]
    public async Task Markers_walk_every_pair_once_in_order()
    {
        await using var host = await StartAsync();
        var seen = new List<(string, string)>();
        string? marker = null;
        do
        {
            (string, string)[] parameters = marker is null ? [.. Grid(3, 4), ("MaxItems", "5")] : [.. Grid(3, 4), ("MaxItems", "5"), ("Marker", marker)];
            var result = Result(await host.CallAsync("SimulateCustomPolicy", parameters), "SimulateCustomPolicy");
            seen.AddRange(Pairs(result));
            marker = Text(result, "IsTruncated") == "true" ? Text(result, "Marker") : null;
        }
        while (marker is not null);

        var expected = from a in Enumerable.Range(1, 3)
                       from r in Enumerable.Range(1, 4)
                       select ("s3:Get" + a.ToString(CultureInfo.InvariantCulture), "arn:aws:s3:::b/" + r.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_forged_marker_is_InvalidInput()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("SimulateCustomPolicy", [.. Grid(2, 2), ("Marker", "bm90LWEtbnVtYmVy")]);

        Assert.Equal("InvalidInput", error.Code);
    }
}
