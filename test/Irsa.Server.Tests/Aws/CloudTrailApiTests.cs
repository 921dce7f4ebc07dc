using System.Net;
using System.Text.Json.Nodes;
using Irsa.Server.Audit;

namespace Irsa.Server.Tests.Aws;

/// <summary>CloudTrail's API as catalog rows: awsJson 1.1 routing by <c>X-Amz-Target</c>, its error dialect, and its own audit.</summary>
public sealed class CloudTrailApiTests
{
    [Fact]
    public async Task Lookup_events_answers_awsJson_and_is_itself_recorded()
    {
        await using var server = await IrsaTestServer.StartAsync();

        var first = await CallAsync(server, CloudTrailApi.TargetPrefix + "LookupEvents", "{}");
        var second = await CallAsync(server, CloudTrailApi.TargetPrefix + "LookupEvents",
            """{"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"cloudtrail.amazonaws.com"}]}""");

        Assert.Equal(HttpStatusCode.OK, first.Answer.Status);
        Assert.Equal("application/x-amz-json-1.1", first.ContentType);
        Assert.NotNull(first.Answer.RequestId);
        var records = JsonNode.Parse(second.Answer.Body)!["Events"]!.AsArray().Select(e => JsonNode.Parse(e!["CloudTrailEvent"]!.GetValue<string>())!).ToList();
        var recorded = Assert.Single(records, r => r["requestID"]!.GetValue<string>() == first.Answer.RequestId);
        Assert.Equal("LookupEvents", recorded["eventName"]!.GetValue<string>());
        Assert.True(recorded["readOnly"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", """{"MaxResults":51}""", "InvalidMaxResultsException")]
    [InlineData("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DeleteTrail", "{}", "UnknownOperationException")]
    [InlineData("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "[1, 2]", "SerializationException")]
    [InlineData("Irsa_20261201.ExplainRequest", """{"RequestId":"00000000-0000-0000-0000-000000000000"}""", "ResourceNotFoundException")]
    [InlineData("Irsa_20261201.ExplainRequest", "{}", "InvalidParameterException")]
    [InlineData("Irsa_20261201.LookupAuditRecords", """{"MaxResults":0}""", "InvalidParameterException")]
    [InlineData("Irsa_20261201.LookupAuditRecords", """{"NextToken":"not-a-cursor"}""", "InvalidNextTokenException")]
    public async Task Errors_are_awsJson_type_and_message_with_the_request_id(string target, string body, string code)
    {
        await using var server = await IrsaTestServer.StartAsync();

        var (answer, contentType) = await CallAsync(server, target, body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/x-amz-json-1.1", contentType);
        Assert.NotNull(answer.RequestId);
        var error = JsonNode.Parse(answer.Body)!;
        Assert.Equal(code, error["__type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unsigned_call_gets_the_json_spelling_of_missing_authentication()
    {
        await using var server = await IrsaTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", CloudTrailApi.TargetPrefix + "LookupEvents");

        var answer = await AwsAnswer.FromAsync(await server.Http.SendAsync(request));

        Assert.Equal("MissingAuthenticationTokenException", JsonNode.Parse(answer.Body)!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Explain_returns_the_record_of_a_recorded_call()
    {
        await using var server = await IrsaTestServer.StartAsync();
        var denied = await AwsCalls.IamAsync(server, "Action=GetRole&RoleName=no-such-role");

        var (answer, _) = await CallAsync(server, CloudTrailApi.IrsaTargetPrefix + CloudTrailApi.ExplainRequest, $$"""{"RequestId":"{{denied.RequestId}}"}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var record = JsonNode.Parse(answer.Body)!["Record"]!;
        Assert.Equal("GetRole", record["EventName"]!.GetValue<string>());
        Assert.Equal("NoSuchEntity", record["ErrorCode"]!.GetValue<string>());
    }

    private static async Task<(AwsAnswer Answer, string? ContentType)> CallAsync(IrsaTestServer server, string target, string body)
    {
        using var response = await SignedHttp.SendAsync(server.Http, HttpMethod.Post, new Uri(server.Url + "/"), "cloudtrail", server.Region, server.Admin,
            body, "application/x-amz-json-1.1", KeyValuePair.Create("X-Amz-Target", target));
        var contentType = response.Content.Headers.ContentType?.MediaType;
        return (await AwsAnswer.FromAsync(response), contentType);
    }
}
