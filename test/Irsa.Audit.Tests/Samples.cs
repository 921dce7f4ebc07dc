using System.Text.Json.Nodes;
using Irsa.Audit.Records;

namespace Irsa.Audit.Tests;

/// <summary>Records shaped like the ones the request pipeline will write.</summary>
internal static class Samples
{
    public const string Account = "111122223333";
    public const string Provider = "arn:aws:iam::111122223333:oidc-provider/irsa.example/id/ABC";
    public const string RoleArn = "arn:aws:iam::111122223333:role/app";

    public static CloudTrailRecord AssumeRoleWithWebIdentity(DateTimeOffset? eventTime = null, string account = Account, string? eventId = null,
        string? requestId = null, string eventName = "AssumeRoleWithWebIdentity") => new()
        {
            UserIdentity = new WebIdentityUser(Provider, "sts.amazonaws.com", "system:serviceaccount:ns:sa"),
            EventTime = eventTime ?? new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero),
            EventSource = "sts.amazonaws.com",
            EventName = eventName,
            AwsRegion = "us-east-1",
            SourceIpAddress = "10.0.0.7",
            UserAgent = "aws-sdk-go-v2/1.30.0",
            RequestParameters = new JsonObject { ["roleArn"] = RoleArn, ["roleSessionName"] = "s1", ["durationSeconds"] = 3600 },
            ResponseElements = new JsonObject { ["credentials"] = CloudTrailElements.Credentials("ASIAEXAMPLE", new DateTimeOffset(2026, 12, 2, 11, 15, 0, TimeSpan.Zero)) },
            AdditionalEventData = new JsonObject { ["identityProviderConnectionVerificationMethod"] = "IAMTrustStore" },
            RequestId = requestId ?? Guid.NewGuid().ToString(),
            EventId = eventId ?? Guid.NewGuid().ToString(),
            ReadOnly = true,
            Resources = [new CloudTrailResource(account, "AWS::IAM::Role", $"arn:aws:iam::{account}:role/app")],
            RecipientAccountId = account,
            TlsDetails = new TlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "sts.irsa.example"),
        };
}
