using System.Globalization;
using Irsa.Iam.Tests.TestSupport;

namespace Irsa.Iam.Tests.Common;

/// <summary>Lists are capped at AWS's limits before their members are read, with the error AWS returns for each.</summary>
public sealed class ListLimitTests
{
    private static (string, string)[] Members(string prefix, int count, Func<int, string> value, string suffix = "") =>
        [.. Enumerable.Range(1, count).Select(i => ($"{prefix}.member.{i.ToString(CultureInfo.InvariantCulture)}{suffix}", value(i)))];

    [Fact]
    public async Task Thirty_thousand_tags_are_LimitExceeded()
    {
        await using var host = await IamTestHost.StartAsync();
        var tags = Enumerable.Range(1, 30_000).SelectMany(i => new[]
        {
            ($"Tags.member.{i.ToString(CultureInfo.InvariantCulture)}.Key", "k" + i.ToString(CultureInfo.InvariantCulture)),
            ($"Tags.member.{i.ToString(CultureInfo.InvariantCulture)}.Value", "v"),
        });

        var error = await host.FailAsync("CreateRole", [("RoleName", "app"), ("AssumeRolePolicyDocument", Docs.IrsaTrust), .. tags]);

        Assert.Equal("LimitExceeded", error.Code);
        Assert.Equal("The number of tags has reached the maximum limit.", error.Message);
    }

    [Fact]
    public async Task Fifty_one_tag_keys_are_a_ValidationError()
    {
        await using var host = await IamTestHost.StartAsync();

        var error = await host.FailAsync("UntagRole", [("RoleName", "app"), .. Members("TagKeys", 51, i => "k" + i.ToString(CultureInfo.InvariantCulture))]);

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("1 validation error detected: Value '[51 members]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
            error.Message);
    }

    [Fact]
    public async Task Tens_of_thousands_of_simulated_actions_and_context_entries_are_refused()
    {
        await using var host = await IamTestHost.StartAsync();

        var error = await host.FailAsync("SimulateCustomPolicy", [("PolicyInputList.member.1", Docs.S3Read),
            .. Members("ActionNames", 20_000, i => "s3:Get" + i.ToString(CultureInfo.InvariantCulture)),
            .. Members("ContextEntries", 20_000, i => "aws:k" + i.ToString(CultureInfo.InvariantCulture), ".ContextKeyName")]);

        Assert.Equal("ValidationError", error.Code);
        Assert.StartsWith("2 validation errors detected: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Value '[20000 members]' at 'actionNames' failed to satisfy constraint: Member must have length less than or equal to 1000",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("Value '[20000 members]' at 'contextEntries' failed to satisfy constraint: Member must have length less than or equal to 1000",
            error.Message, StringComparison.Ordinal);
    }
}
