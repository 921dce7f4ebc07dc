using System.Text.Json.Nodes;
using Irsa.Core.Audit;
using Irsa.Iam;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;

namespace Irsa.Server.Aws;

/// <summary>
/// Receives one record per AWS call (success, AWS error, authentication failure, denial, unexpected exception),
/// awaited before the response is written, so a durable writer can make the trail durable before the client is answered.
/// </summary>
public interface IAwsCallAudit
{
    ValueTask RecordAsync(AwsCallRecord record, CancellationToken cancellationToken);
}

/// <summary>The default: records nothing (the CloudTrail writer replaces it).</summary>
public sealed class NoAwsCallAudit : IAwsCallAudit
{
    public ValueTask RecordAsync(AwsCallRecord record, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>A resource a call touched, as CloudTrail's <c>resources</c> lists it.</summary>
/// <param name="Arn">The canonical ARN.</param>
/// <param name="AccountId">The owning account.</param>
/// <param name="Type">CloudTrail's type (<c>AWS::IAM::Role</c>, <c>AWS::EKS::Cluster</c>…).</param>
public sealed record AwsResourceRecord(string Arn, string AccountId, string Type)
{
    /// <summary>The ARN is a prefix of the resources the call touched (CloudTrail's <c>ARNPrefix</c>).</summary>
    public bool IsPrefix { get; init; }

    /// <summary>The record for an ARN, or <c>null</c> for <c>*</c> and text that is no ARN; <paramref name="owner"/> names the
    /// account of resources whose ARN has none (S3 buckets).</summary>
    public static AwsResourceRecord? For(string arn, string? owner = null)
    {
        if (!Core.Aws.Arn.TryParse(arn, out var parsed) || arn.Contains('*', StringComparison.Ordinal))
        {
            return null;
        }

        var kind = parsed.Resource.Split('/', ':')[0];
        var type = (parsed.Service, kind) switch
        {
            ("iam", "role") => "AWS::IAM::Role",
            ("iam", "policy") => "AWS::IAM::Policy",
            ("iam", "oidc-provider") => "AWS::IAM::OIDCProvider",
            ("iam", "user") => "AWS::IAM::User",
            ("eks", "cluster") => "AWS::EKS::Cluster",
            ("s3", _) => parsed.Resource.Contains('/', StringComparison.Ordinal) ? "AWS::S3::Object" : "AWS::S3::Bucket",
            var (service, other) => $"AWS::{service.ToUpperInvariant()}::{other}",
        };
        // CloudTrail names the owner of an S3 bucket, not of an object (spec: resources of data events).
        return new AwsResourceRecord(arn, parsed.Account.Length > 0 ? parsed.Account : type == "AWS::S3::Bucket" ? owner ?? string.Empty : string.Empty, type);
    }
}

/// <summary>
/// Everything a CloudTrail record of one AWS call needs. Holds no secret: unrecorded parameters (tokens) are left out
/// of <see cref="RequestParameters"/>, and <see cref="Explanation"/> is for the operator, never the client.
/// </summary>
public sealed record AwsCallRecord
{
    /// <summary>The row: service, name (<c>eventName</c>), <c>eventSource</c>, <c>readOnly</c>.</summary>
    public required AwsOperation Operation { get; init; }

    public required string RequestId { get; init; }

    public required DateTimeOffset EventTime { get; init; }

    public string? SourceIp { get; init; }

    public string? UserAgent { get; init; }

    public bool IsTls { get; init; }

    /// <summary>The authenticated caller, or <c>null</c> (unsigned call, or authentication failed).</summary>
    public CallerIdentity? Caller { get; init; }

    /// <summary>The access key id the request was signed with (also when authentication failed), or <c>null</c>.</summary>
    public string? AccessKeyId { get; init; }

    public JsonObject? RequestParameters { get; init; }

    public JsonObject? ResponseElements { get; init; }

    /// <summary>What the handler adds to CloudTrail's <c>additionalEventData</c> (S3's bytes transferred, signature version).</summary>
    public JsonObject? AdditionalEventData { get; init; }

    public IReadOnlyList<AwsResourceRecord> Resources { get; init; } = [];

    /// <summary>The account the call was made in (the caller's, or the target role's for an unsigned assume).</summary>
    public string? RecipientAccountId { get; init; }

    /// <summary>The HTTP status answered.</summary>
    public int StatusCode { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public Explanation? Explanation { get; init; }

    /// <summary>The session <c>AssumeRoleWithWebIdentity</c> issued (its <see cref="RoleSession.WebIdentity"/> is CloudTrail's <c>WebIdentityUser</c>).</summary>
    public RoleSession? IssuedSession { get; init; }

    /// <summary>The web identity an <c>AssumeRoleWithWebIdentity</c> presented (provider ARN, <c>aud</c>, <c>sub</c>, pod),
    /// also when it failed once the token named its issuer; <see cref="WebIdentityCaller.Verified"/> says whether STS vouched for it.</summary>
    public WebIdentityCaller? WebIdentityCaller { get; init; }
}
