using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;
using Microsoft.Data.Sqlite;

namespace Irsa.Audit.Tests.Query;

public class LookupEventsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Ten = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TrailFixture _fixture = new(Ten);
    private readonly List<CloudTrailRecord> _records = [];

    public async Task InitializeAsync()
    {
        var session = new AssumedRole("AROAEXAMPLE", Samples.RoleArn, "app", "pod-session", Samples.Account, "ASIASESSION", Ten);
        for (var i = 0; i < 7; i++)
        {
            var record = Samples.AssumeRoleWithWebIdentity(eventTime: Ten.AddMinutes(i));
            if (i % 2 == 1)
            {
                record = record with { UserIdentity = session, EventName = "GetCallerIdentity", Resources = [], RequestParameters = null, ResponseElements = null };
            }

            _records.Add(record);
            await _fixture.Trail.AppendAsync(new AuditEntry(record));
        }

        await _fixture.Trail.AppendAsync(new AuditEntry(Samples.AssumeRoleWithWebIdentity(eventTime: Ten, account: "444455556666")));
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Returns_the_accounts_events_newest_first_in_CloudTrails_shape()
    {
        var response = await LookupAsync("{}");

        var events = response["Events"]!.AsArray();
        Assert.Equal(_records.Select(r => r.EventId).Reverse(), events.Select(e => e!["EventId"]!.GetValue<string>()));
        var newest = events[0]!.AsObject();
        Assert.Equal(["EventId", "EventName", "ReadOnly", "EventTime", "EventSource", "Username", "Resources", "CloudTrailEvent"], newest.Select(p => p.Key));
        var signed = events[1]!.AsObject(); // made with the session's access key
        Assert.Equal(["EventId", "EventName", "ReadOnly", "AccessKeyId", "EventTime", "EventSource", "Username", "Resources", "CloudTrailEvent"],
            signed.Select(p => p.Key));
        Assert.Equal("ASIASESSION", signed["AccessKeyId"]!.GetValue<string>());
        Assert.Empty(signed["Resources"]!.AsArray());
        Assert.Equal("true", newest["ReadOnly"]!.GetValue<string>());
        Assert.Equal(Ten.AddMinutes(6).ToUnixTimeSeconds(), newest["EventTime"]!.GetValue<long>());
        Assert.Equal(CloudTrailRecordWriter.ToJson(_records[6]), newest["CloudTrailEvent"]!.GetValue<string>());
        var resource = newest["Resources"]![0]!;
        Assert.Equal("AWS::IAM::Role", resource["ResourceType"]!.GetValue<string>());
        Assert.Equal(Samples.RoleArn, resource["ResourceName"]!.GetValue<string>());
        Assert.False(response.ContainsKey("NextToken"));
    }

    [Theory]
    [InlineData("EventName", "GetCallerIdentity", 3)]
    [InlineData("Username", "pod-session", 3)]
    [InlineData("AccessKeyId", "ASIASESSION", 3)]
    [InlineData("ResourceType", "AWS::IAM::Role", 4)]
    [InlineData("ResourceName", Samples.RoleArn, 4)]
    [InlineData("EventSource", "sts.amazonaws.com", 7)]
    [InlineData("ReadOnly", "false", 0)]
    [InlineData("ReadOnly", "true", 7)]
    public async Task Filters_by_one_lookup_attribute(string key, string value, int expected)
    {
        var response = await LookupAsync($$"""{"LookupAttributes":[{"AttributeKey":"{{key}}","AttributeValue":"{{value}}"}]}""");

        Assert.Equal(expected, response["Events"]!.AsArray().Count);
    }

    [Fact]
    public async Task Filters_by_event_id_and_time_range()
    {
        var byId = await LookupAsync($$"""{"LookupAttributes":[{"AttributeKey":"EventId","AttributeValue":"{{_records[3].EventId}}"}]}""");
        var byTime = await LookupAsync($$"""{"StartTime":{{Ten.AddMinutes(2).ToUnixTimeSeconds()}},"EndTime":{{Ten.AddMinutes(4).ToUnixTimeSeconds()}}.5}""");

        Assert.Equal(_records[3].EventId, Assert.Single(byId["Events"]!.AsArray())!["EventId"]!.GetValue<string>());
        Assert.Equal([_records[4].EventId, _records[3].EventId, _records[2].EventId], byTime["Events"]!.AsArray().Select(e => e!["EventId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Pages_with_a_NextToken_bound_to_the_same_parameters()
    {
        var first = await LookupAsync("""{"MaxResults":3}""");
        var token = first["NextToken"]!.GetValue<string>();
        var second = await LookupAsync($$"""{"MaxResults":3,"NextToken":"{{token}}"}""");
        var third = await LookupAsync($$"""{"MaxResults":3,"NextToken":"{{second["NextToken"]!.GetValue<string>()}}"}""");

        var all = new[] { first, second, third }.SelectMany(p => p["Events"]!.AsArray()).Select(e => e!["EventId"]!.GetValue<string>());
        Assert.Equal(_records.Select(r => r.EventId).Reverse(), all);
        Assert.False(third.ContainsKey("NextToken"));

        var (_, error) = await LookupRawAsync($$"""{"MaxResults":3,"NextToken":"{{token}}","LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"X"}]}""");
        Assert.Equal("InvalidNextTokenException", error!.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("InvalidNextTokenException", (await LookupRawAsync("""{"NextToken":"garbage"}""")).Error!.Code);
    }

    [Theory]
    [InlineData("""{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"A"},{"AttributeKey":"Username","AttributeValue":"B"}]}""", "InvalidLookupAttributesException")]
    [InlineData("""{"LookupAttributes":[{"AttributeKey":"Region","AttributeValue":"A"}]}""", "InvalidLookupAttributesException")]
    [InlineData("""{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]}""", "InvalidLookupAttributesException")]
    [InlineData("""{"StartTime":200,"EndTime":100}""", "InvalidTimeRangeException")]
    [InlineData("""{"StartTime":"yesterday"}""", "InvalidTimeRangeException")]
    [InlineData("""{"MaxResults":0}""", "InvalidMaxResultsException")]
    [InlineData("""{"MaxResults":51}""", "InvalidMaxResultsException")]
    [InlineData("""{"EventCategory":"management"}""", "InvalidEventCategoryException")]
    public async Task Rejects_invalid_requests_with_CloudTrails_error(string request, string code)
    {
        var (response, error) = await LookupRawAsync(request);

        Assert.Null(response);
        Assert.Equal(code, error!.Code);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public async Task Insight_lookups_find_nothing_because_Irsa_records_no_Insights_events()
    {
        var response = await LookupAsync("""{"EventCategory":"insight"}""");

        Assert.Empty(response["Events"]!.AsArray());
    }

    [Fact]
    public async Task A_journal_that_kept_resources_in_their_own_table_has_them_moved_into_its_rows_on_open()
    {
        await _fixture.Trail.DisposeAsync();
        await using (var legacy = new SqliteConnection($"Data Source={_fixture.Options.JournalPath};Pooling=False"))
        {
            legacy.Open();
            using var downgrade = legacy.CreateCommand();
            downgrade.CommandText = """
                CREATE TABLE event_resources (seq INTEGER NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL);
                INSERT INTO event_resources (seq, type, name)
                    SELECT e.seq, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]') FROM events e, json_each(e.resources) r;
                UPDATE events SET resources = NULL;
                """;
            downgrade.ExecuteNonQuery();
        }

        await _fixture.ReopenAsync();
        var response = await LookupAsync($$"""{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"{{Samples.RoleArn}}"}]}""");

        var events = response["Events"]!.AsArray();
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal(Samples.RoleArn, e!["Resources"]![0]!["ResourceName"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal("AWS::IAM::Role", e!["Resources"]![0]!["ResourceType"]!.GetValue<string>()));
    }

    [Fact]
    public void ListPublicKeys_returns_the_pkcs1_key_in_base64_with_its_fingerprint()
    {
        using var request = JsonDocument.Parse($$"""{"StartTime":{{Ten.ToUnixTimeSeconds()}},"EndTime":{{Ten.AddHours(2).ToUnixTimeSeconds()}}}""");

        var result = _fixture.Trail.ListPublicKeys(request.RootElement);

        var key = Assert.Single(result.Response!["PublicKeyList"]!.AsArray())!;
        var stored = _fixture.Trail.ListPublicKeys().Single();
        Assert.Equal(Convert.ToBase64String(stored.Value), key["Value"]!.GetValue<string>());
        Assert.StartsWith("MIIBCgKCAQEA", key["Value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(stored.Fingerprint, key["Fingerprint"]!.GetValue<string>());
        Assert.Equal(Ten.ToUnixTimeSeconds(), key["ValidityStartTime"]!.GetValue<long>());
    }

    private async Task<JsonObject> LookupAsync(string request)
    {
        var (response, error) = await LookupRawAsync(request);
        Assert.Null(error);
        return response!;
    }

    private async Task<(JsonObject? Response, Irsa.Core.Aws.AwsError? Error)> LookupRawAsync(string request)
    {
        using var document = JsonDocument.Parse(request);
        var result = await _fixture.Trail.Queries.LookupEventsAsync(document.RootElement, Samples.Account);
        return (result.Response, result.Error);
    }
}
