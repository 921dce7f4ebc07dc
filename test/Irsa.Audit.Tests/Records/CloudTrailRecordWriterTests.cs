using System.Text.Json;
using System.Text.Json.Nodes;
using Irsa.Audit.Records;

namespace Irsa.Audit.Tests.Records;

public class CloudTrailRecordWriterTests
{
    private const string Provider = "arn:aws:iam::111122223333:oidc-provider/irsa.example/id/ABC";

    [Fact]
    public void AssumeRoleWithWebIdentity_record_has_AWS_field_order_and_identity()
    {
        var record = Samples.AssumeRoleWithWebIdentity(eventTime: new DateTimeOffset(2025, 4, 16, 2, 46, 56, 123, TimeSpan.Zero));

        var json = CloudTrailRecordWriter.ToJson(record);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(
            ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
             "requestParameters", "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
             "eventType", "managementEvent", "recipientAccountId", "eventCategory", "tlsDetails"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("1.08", root.GetProperty("eventVersion").GetString());
        Assert.Equal("2025-04-16T02:46:56Z", root.GetProperty("eventTime").GetString());
        Assert.Equal("AwsApiCall", root.GetProperty("eventType").GetString());
        var identity = root.GetProperty("userIdentity");
        Assert.Equal("WebIdentityUser", identity.GetProperty("type").GetString());
        Assert.Equal($"{Provider}:sts.amazonaws.com:system:serviceaccount:ns:sa", identity.GetProperty("principalId").GetString());
        Assert.Equal("system:serviceaccount:ns:sa", identity.GetProperty("userName").GetString());
        Assert.Equal(Provider, identity.GetProperty("identityProvider").GetString());
        var resource = root.GetProperty("resources")[0];
        Assert.Equal(["accountId", "type", "ARN"], resource.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Credentials_carry_key_id_and_java_style_expiration_only_and_secrets_never_reach_the_bytes()
    {
        var response = new JsonObject
        {
            ["credentials"] = CloudTrailElements.Credentials("ASIAEXAMPLE", new DateTimeOffset(2025, 4, 16, 15, 46, 56, TimeSpan.Zero)),
        };
        // A careless caller adds secrets anyway; the writer must drop them at any depth and in any case.
        response["credentials"]!["sessionToken"] = "TOKEN-SECRET";
        response["SecretAccessKey"] = "KEY-SECRET";
        var record = Samples.AssumeRoleWithWebIdentity() with
        {
            ResponseElements = response,
            RequestParameters = new JsonObject { ["webIdentityToken"] = "JWT-SECRET", ["nested"] = new JsonArray(new JsonObject { ["SESSIONTOKEN"] = "X-SECRET" }) },
        };

        var json = CloudTrailRecordWriter.ToJson(record);

        Assert.DoesNotContain("SECRET", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var credentials = document.RootElement.GetProperty("responseElements").GetProperty("credentials");
        Assert.Equal(["accessKeyId", "expiration"], credentials.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Apr 16, 2025, 3:46:56 PM", credentials.GetProperty("expiration").GetString());
    }

    [Fact]
    public void Failure_writes_error_fields_after_userAgent_and_null_responseElements()
    {
        var record = Samples.AssumeRoleWithWebIdentity() with
        {
            ErrorCode = "AccessDenied",
            ErrorMessage = "Not authorized to perform sts:AssumeRoleWithWebIdentity",
            UserIdentity = WebIdentityUser.Reduced("system:serviceaccount:ns:sa"),
        };

        using var document = JsonDocument.Parse(CloudTrailRecordWriter.ToJson(record));
        var root = document.RootElement;
        var names = root.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(names.IndexOf("userAgent") + 1, names.IndexOf("errorCode"));
        Assert.Equal(names.IndexOf("errorCode") + 1, names.IndexOf("errorMessage"));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("responseElements").ValueKind);
        Assert.Equal(["type", "userName"], root.GetProperty("userIdentity").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Oversized_fields_are_cut_or_marked_omitted()
    {
        var big = new JsonObject { ["policyDocument"] = new string('x', CloudTrailRecordWriter.MaxParametersBytes) };
        var record = Samples.AssumeRoleWithWebIdentity() with
        {
            UserAgent = new string('é', 1000), // 2 bytes each: 2000 bytes
            RequestParameters = big,
            AdditionalEventData = new JsonObject { ["x"] = new string('y', CloudTrailRecordWriter.MaxAdditionalEventDataBytes) },
        };

        using var document = JsonDocument.Parse(CloudTrailRecordWriter.ToJson(record));
        var root = document.RootElement;

        Assert.Equal(512, root.GetProperty("userAgent").GetString()!.Length);
        Assert.True(root.GetProperty("requestParameters").GetProperty("omitted").GetBoolean());
        Assert.True(root.GetProperty("additionalEventData").GetProperty("omitted").GetBoolean());
        Assert.Equal("ASIAEXAMPLE", root.GetProperty("responseElements").GetProperty("credentials").GetProperty("accessKeyId").GetString());
    }

    [Fact]
    public void AssumedRole_identity_from_web_identity_has_session_context_in_AWS_shape()
    {
        var identity = new AssumedRole("AROAEXAMPLEID", "arn:aws:iam::111122223333:role/team/app", "app", "botocore-session-1",
            "111122223333", "ASIAEXAMPLE", new DateTimeOffset(2024, 12, 3, 10, 15, 30, TimeSpan.Zero))
        {
            FederatedProvider = Provider,
            SourceIdentity = "alice",
        };
        var record = Samples.AssumeRoleWithWebIdentity() with { UserIdentity = identity, EventName = "GetCallerIdentity", RequestParameters = null, ResponseElements = null };

        using var document = JsonDocument.Parse(CloudTrailRecordWriter.ToJson(record));
        var root = document.RootElement;
        var user = root.GetProperty("userIdentity");

        Assert.Equal("AROAEXAMPLEID:botocore-session-1", user.GetProperty("principalId").GetString());
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/app/botocore-session-1", user.GetProperty("arn").GetString());
        var context = user.GetProperty("sessionContext");
        Assert.Equal(["sessionIssuer", "webIdFederationData", "attributes", "sourceIdentity"], context.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("arn:aws:iam::111122223333:role/team/app", context.GetProperty("sessionIssuer").GetProperty("arn").GetString());
        Assert.Equal("Role", context.GetProperty("sessionIssuer").GetProperty("type").GetString());
        Assert.Equal(Provider, context.GetProperty("webIdFederationData").GetProperty("federatedProvider").GetString());
        Assert.Empty(context.GetProperty("webIdFederationData").GetProperty("attributes").EnumerateObject());
        Assert.Equal("2024-12-03T10:15:30Z", context.GetProperty("attributes").GetProperty("creationDate").GetString());
        Assert.Equal("false", context.GetProperty("attributes").GetProperty("mfaAuthenticated").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("requestParameters").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("responseElements").ValueKind);
        Assert.Equal("botocore-session-1", identity.LookupUsername);
        Assert.Equal("ASIAEXAMPLE", identity.LookupAccessKeyId);
    }

    [Fact]
    public void IamUser_and_Root_identities()
    {
        var user = new IamUser("AIDAEXAMPLE", "arn:aws:iam::111122223333:user/admin", "111122223333", "AKIAEXAMPLE", "admin");
        var root = new RootUser("111122223333", "AKIAROOT");

        using var userJson = JsonDocument.Parse(CloudTrailRecordWriter.ToJson(Samples.AssumeRoleWithWebIdentity() with { UserIdentity = user }));
        using var rootJson = JsonDocument.Parse(CloudTrailRecordWriter.ToJson(Samples.AssumeRoleWithWebIdentity() with { UserIdentity = root }));

        Assert.Equal(["type", "principalId", "arn", "accountId", "accessKeyId", "userName"],
            userJson.RootElement.GetProperty("userIdentity").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("IAMUser", userJson.RootElement.GetProperty("userIdentity").GetProperty("type").GetString());
        var rootIdentity = rootJson.RootElement.GetProperty("userIdentity");
        Assert.Equal("Root", rootIdentity.GetProperty("type").GetString());
        Assert.Equal("111122223333", rootIdentity.GetProperty("principalId").GetString());
        Assert.Equal("arn:aws:iam::111122223333:root", rootIdentity.GetProperty("arn").GetString());
    }

    [Fact]
    public void Truncate_never_splits_a_character()
    {
        Assert.Equal("ab", CloudTrailRecordWriter.Truncate("ab€", 4));
        Assert.Equal("ab€", CloudTrailRecordWriter.Truncate("ab€", 5));
    }
}
