using System.Text.Json.Nodes;

namespace Irsa.Audit.Records;

/// <summary>
/// One CloudTrail record for one AWS API call, with the fields AWS writes. Serialize it only with
/// <see cref="CloudTrailRecordWriter"/>, which applies AWS's field order, size limits and the secret filter.
/// </summary>
public sealed record CloudTrailRecord
{
    /// <summary>1.08 is what AWS still writes for STS and IAM management events (the fields used here all exist in 1.08).</summary>
    public const string DefaultEventVersion = "1.08";

    public string EventVersion { get; init; } = DefaultEventVersion;

    public required UserIdentity UserIdentity { get; init; }

    /// <summary>When the request completed; written in UTC to the second.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>The service's endpoint name, e.g. <c>sts.amazonaws.com</c>.</summary>
    public required string EventSource { get; init; }

    public required string EventName { get; init; }

    public required string AwsRegion { get; init; }

    public required string SourceIpAddress { get; init; }

    /// <summary>The User-Agent header; truncated to 1 KB when written.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The AWS error code when the call failed; then <see cref="ResponseElements"/> is written as <c>null</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message when the call failed; truncated to 1 KB when written.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The request's parameters; <c>null</c> for calls without any (GetCallerIdentity).</summary>
    public JsonObject? RequestParameters { get; init; }

    /// <summary>The response's elements; build credentials with <see cref="CloudTrailElements.Credentials"/>.</summary>
    public JsonObject? ResponseElements { get; init; }

    public JsonObject? AdditionalEventData { get; init; }

    /// <summary>The request id returned to the caller (<c>x-amzn-RequestId</c>).</summary>
    public required string RequestId { get; init; }

    /// <summary>A fresh GUID per record.</summary>
    public required string EventId { get; init; }

    public required bool ReadOnly { get; init; }

    public IReadOnlyList<CloudTrailResource> Resources { get; init; } = [];

    /// <summary>Always <c>AwsApiCall</c>: Irsa records API calls only.</summary>
    public const string EventType = "AwsApiCall";

    public bool ManagementEvent { get; init; } = true;

    /// <summary>The account that owns the event: it decides which account's log files and LookupEvents show it.</summary>
    public required string RecipientAccountId { get; init; }

    /// <summary><c>Management</c>, or <c>Data</c> for data events.</summary>
    public string EventCategory { get; init; } = "Management";

    /// <summary>Present when the call came over TLS.</summary>
    public TlsDetails? TlsDetails { get; init; }

    /// <summary>Whether the call failed.</summary>
    public bool IsError => ErrorCode is not null;
}

/// <summary>An element of <c>resources</c>.</summary>
/// <param name="AccountId">The resource's account.</param>
/// <param name="Type">For example <c>AWS::IAM::Role</c>.</param>
/// <param name="Arn">The resource's ARN.</param>
public sealed record CloudTrailResource(string AccountId, string Type, string Arn)
{
    /// <summary>The ARN names a prefix of resources, not one (S3 list calls: <c>"ARNPrefix": "arn:aws:s3:::b/logs/"</c>).</summary>
    public bool IsPrefix { get; init; }
}

/// <summary>The <c>tlsDetails</c> element.</summary>
/// <param name="TlsVersion">For example <c>TLSv1.3</c>.</param>
/// <param name="CipherSuite">For example <c>TLS_AES_128_GCM_SHA256</c>.</param>
/// <param name="ClientProvidedHostHeader">The Host header the client sent.</param>
public sealed record TlsDetails(string TlsVersion, string CipherSuite, string ClientProvidedHostHeader);
