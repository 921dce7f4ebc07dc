using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Caching;
using Irsa.Policy;
using Irsa.S3;
using Irsa.S3.Integrity;
using Irsa.S3.Operations;
using Irsa.S3.Policies;
using Irsa.S3.Protocol;
using Irsa.Server.Aws;
using Irsa.SigV4;
using Irsa.SigV4.Streaming;
using Microsoft.AspNetCore.WebUtilities;

namespace Irsa.Server.S3;

/// <summary>
/// S3 as rows of the AWS catalog: the engine's operations (<see cref="S3Engine"/>) bound to the pipeline. This class
/// claims S3 requests by address, resolves the bucket and its policy before any decision (a missing bucket is
/// <c>NoSuchBucket</c>, as on S3), supplies S3's condition keys, opens the body (aws-chunked framing, checksums),
/// and turns the engine's answer into the reply and the data event.
/// </summary>
public sealed class S3Api
{
    public const string EventSource = "s3.amazonaws.com";

    private const string BucketValue = "bucket";
    private const string KeyValue = "key";

    private readonly S3Engine _engine;
    private readonly S3Addressing _addressing;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, AwsOperation> _rows;

    /// <summary>Parsed bucket policies by their text: a bucket's policy is parsed once, not on every request.</summary>
    private readonly BoundedCache<string, PolicyEntry?> _policies = new(1024);

    public S3Api(S3Engine engine, S3Addressing addressing, TimeProvider time)
    {
        _engine = engine;
        _addressing = addressing;
        _time = time;
        _rows = engine.Operations.All.ToDictionary(o => o.Name, Row, StringComparer.Ordinal);
    }

    public IEnumerable<AwsOperation> Rows => _rows.Values;

    /// <summary>The row of an S3 request (virtual-hosted, or signed for <c>s3</c>), with its bucket and key; <c>null</c> for other services.</summary>
    public (AwsOperation Operation, IReadOnlyDictionary<string, string> PathValues)? Claim(AwsRequest request)
    {
        if (_addressing.Claim(request) is not { } address)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (address.Bucket is { } bucket)
        {
            values[BucketValue] = bucket;
        }

        if (address.Key is { } key)
        {
            values[KeyValue] = key;
        }

        if (address.InvalidUri)
        {
            return (Refusal(request.Method, new AwsError("InvalidURI", "Couldn't parse the specified URI.", 400)), values);
        }

        if (S3Addressing.IsSignatureVersion2(request.Header("Authorization"), request.Query.Has("AWSAccessKeyId")))
        {
            // What S3 answers in the regions that only take SigV4 (every region opened since 2014).
            return (Refusal(request.Method, new AwsError("InvalidRequest",
                "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", 400)) with
            { Auth = AwsAuthKind.Unsigned }, values);
        }

        try
        {
            var resolved = _engine.Operations.Resolve(request.Method, address.Bucket, address.Key, QueryOf(request), HeadersOf(request));
            return (_rows[resolved.Operation.Name], values);
        }
        catch (AwsErrorException error)
        {
            // An operation S3 has and Irsa does not (501), or a method S3 refuses (405): still authenticated and audited.
            return (Refusal(request.Method, error.Error), values);
        }
    }

    private AwsOperation Row(S3Operation operation) => new()
    {
        Service = "s3",
        Name = operation.Name,
        EventName = operation.Name == "ListObjectsV2" ? "ListObjects" : operation.Name,
        // DeleteObjects decides each key in its handler; the request as a whole is not denied on the bucket.
        IamAction = operation.AuthorizedPerKey ? null : operation.Action,
        Dialect = AwsErrorDialect.S3,
        ReadOnly = operation.ReadOnly,
        DataEvent = operation.IsDataEvent,
        EventSource = EventSource,
        StreamsBody = true,
        RecordParameters = RecordParameters,
        ResolveTarget = call => ResolveTargetAsync(call, operation),
        Handler = call => ExecuteAsync(call, operation),
    };

    private static AwsOperation Refusal(string method, AwsError error) => new()
    {
        Service = "s3",
        Name = method switch { "GET" => "GetObject", "PUT" => "PutObject", "DELETE" => "DeleteObject", "HEAD" => "HeadObject", _ => "Unknown" },
        Dialect = AwsErrorDialect.S3,
        ReadOnly = method is "GET" or "HEAD",
        EventSource = EventSource,
        StreamsBody = true,
        Handler = _ => Task.FromResult(AwsResult.Fail(error)),
    };

    /// <summary>The primary decision's target: the bucket or object ARN, the bucket's policy and owner, and S3's keys.</summary>
    private async Task<AwsTarget> ResolveTargetAsync(AwsCall call, S3Operation operation)
    {
        var request = call.Request;
        var resolved = _engine.Operations.Resolve(request.Method, Bucket(call), Key(call), QueryOf(request), HeadersOf(request));
        var (policy, owner) = await BucketPolicyAsync(call, operation.Name, call.CancellationToken);
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in resolved.ConditionKeys)
        {
            keys[key] = Text(value);
        }

        AddRequestKeys(call, keys, owner);
        return new AwsTarget(resolved.ResourceArn, keys, policy, owner);
    }

    /// <summary>The bucket's policy and owner; a missing bucket answers <c>NoSuchBucket</c> before any decision (S3's order).</summary>
    private async Task<(PolicyEntry? Policy, string? Owner)> BucketPolicyAsync(AwsCall call, string operation, CancellationToken cancellationToken)
    {
        if (Bucket(call) is not { } bucket || operation == "CreateBucket")
        {
            return (null, null);
        }

        var info = await _engine.GetBucketPolicyAsync(bucket, cancellationToken) ?? throw new AwsErrorException(S3Errors.NoSuchBucket(bucket));
        return PolicyOf(info);
    }

    /// <summary>A bucket's parsed policy (once per policy text) and its owner.</summary>
    private (PolicyEntry? Policy, string? Owner) PolicyOf(BucketPolicyInfo info) =>
        (info.PolicyText is { } text ? _policies.GetOrAdd(text, Parse) : null, info.OwnerAccountId);

    /// <summary>A stored bucket policy the engine cannot evaluate grants nothing (it was validated when put).</summary>
    private static PolicyEntry? Parse(string text) =>
        PolicyDocument.Parse(text, PolicyKind.Resource) is { Document: { } document }
            ? new PolicyEntry("BucketPolicy", PolicySourceType.Resource, document)
            : null;

    /// <summary>S3's request keys: how it was signed, how old the signature is, the payload hash, the owner account.</summary>
    private void AddRequestKeys(AwsCall call, Dictionary<string, ContextValue> keys, string? owner)
    {
        if (call.Signature is { } signature)
        {
            keys["s3:authType"] = Text(signature.Location == SigV4AuthLocation.Query ? "REST-QUERY-STRING" : "REST-HEADER");
            keys["s3:signatureversion"] = Text("AWS4-HMAC-SHA256");
            var age = (long)Math.Max(0, (_time.GetUtcNow() - signature.RequestTime).TotalMilliseconds);
            keys["s3:signatureAge"] = new ContextValue(ContextKeyType.Numeric, [age.ToString(CultureInfo.InvariantCulture)], false);
        }

        if (call.Request.Header("x-amz-content-sha256") is { } sha)
        {
            keys["s3:x-amz-content-sha256"] = Text(sha);
        }

        if (owner is not null)
        {
            keys["aws:ResourceAccount"] = Text(owner);
            keys["s3:ResourceAccount"] = Text(owner);
        }
    }

    private async Task<AwsResult> ExecuteAsync(AwsCall call, S3Operation operation)
    {
        var request = call.Request;
        var headers = HeadersOf(request);
        Explanation? denial = null;
        // The bucket's policy and owner as the primary decision read them (DeleteObjects, decided per key, reads them here).
        var (policy, owner) = call.Target is { } target ? (target.ResourcePolicy, target.ResourceAccount)
            : await BucketPolicyAsync(call, operation.Name, call.CancellationToken);
        await using var body = OpenBody(call, headers, operation);
        var s3Request = new S3Request
        {
            Method = request.Method,
            Bucket = Bucket(call),
            Key = Key(call),
            Query = QueryOf(request),
            Headers = headers,
            Body = body,
            OwnerAccountId = call.RequiredCaller.AccountId,
            RequestId = request.RequestId,
            Now = request.EventTime,
            // Second decisions inside one request (each DeleteObjects key, CopyObject's source, ListBucket before NoSuchKey).
            Authorize = async (action, resourceArn, extraKeys, cancellationToken) =>
            {
                var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in extraKeys ?? new Dictionary<string, string>())
                {
                    keys[key] = Text(value);
                }

                AddRequestKeys(call, keys, owner);
                var sourceBucket = resourceArn["arn:aws:s3:::".Length..].Split('/')[0];
                var (targetPolicy, targetOwner) = sourceBucket == Bucket(call) ? (policy, owner) : await OtherBucketAsync(sourceBucket, cancellationToken);
                var decision = await call.AuthorizeAsync(new AwsTarget(resourceArn, keys, targetPolicy, targetOwner), action, cancellationToken);
                denial ??= decision.Explanation;
                return decision.Allowed;
            },
        };

        S3Response response;
        try
        {
            response = await operation.Handler(s3Request, call.CancellationToken);
        }
        catch (AwsChunkedException chunked)
        {
            var error = chunked.Error;
            return AwsResult.Fail(new AwsError(error.Code, error.Message, error.StatusCode) { Details = error.Details });
        }
        catch (AwsErrorException error)
        {
            return AwsResult.Fail(error.Error, error.Error.Code == "AccessDenied" ? denial : null);
        }

        // A GET holds its blob open until the bytes are written (an overwrite meanwhile does not cut the download short).
        Func<Stream, CancellationToken, Task>? writer = null;
        if (response.BodyWriter is { } write)
        {
            writer = async (stream, cancellationToken) =>
            {
                await using (response)
                {
                    await write(stream, cancellationToken);
                }
            };
        }
        else
        {
            await response.DisposeAsync();
        }

        var reply = new AwsReply(response.StatusCode, response.Header("Content-Type") ?? (response.Body is null ? null : "application/xml"), response.Body ?? [])
        {
            Headers = [.. response.Headers.Where(h => !string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))],
            Writer = writer,
            DeclaredLength = response.ContentLength,
        };
        return new AwsResult(reply)
        {
            AdditionalEventData = EventData(call, response),
            Resources = Resources(call),
            ResourcePrefixes = ListedPrefix(call, operation),
            Explanation = denial,
        };
    }

    private async Task<(PolicyEntry?, string?)> OtherBucketAsync(string bucket, CancellationToken cancellationToken) =>
        await _engine.GetBucketPolicyAsync(bucket, cancellationToken) is { } info ? PolicyOf(info) : (null, null);

    /// <summary>The body as the engine reads it: aws-chunked framing removed (chunk and trailer signatures checked), then
    /// Content-MD5, the declared SHA-256 and checksums verified as it is read.</summary>
    private static RequestPayload OpenBody(AwsCall call, S3Headers headers, S3Operation operation)
    {
        if (call.Signature?.StreamingContext is { } streaming)
        {
            var chunks = new AwsChunkedStream(call.Body, streaming, leaveOpen: true);
            return RequestPayload.ForDecodedChunks(chunks, headers, () => chunks.Trailers);
        }

        return RequestPayload.ForBody(call.Body, headers, operation.ChecksumHeadersDescribeBody);
    }

    /// <summary>CloudTrail's <c>additionalEventData</c> of an S3 call.</summary>
    private static JsonObject EventData(AwsCall call, S3Response response) => new()
    {
        ["SignatureVersion"] = "SigV4",
        ["AuthenticationMethod"] = call.Signature?.Location == SigV4AuthLocation.Query ? "QueryString" : "AuthHeader",
        ["bytesTransferredIn"] = response.BytesTransferredIn,
        ["bytesTransferredOut"] = response.BytesTransferredOut,
    };

    /// <summary>CloudTrail's resources of an S3 call beyond the authorized one: the object's bucket (its owner is the target's account).</summary>
    private static IReadOnlyList<string> Resources(AwsCall call) =>
        Bucket(call) is { } bucket ? ["arn:aws:s3:::" + bucket] : [];

    /// <summary>A list call's objects, as CloudTrail names them: <c>ARNPrefix</c> of the bucket and the listed prefix.</summary>
    private static IReadOnlyList<string> ListedPrefix(AwsCall call, S3Operation operation) =>
        operation.Name is "ListObjects" or "ListObjectsV2" or "ListObjectVersions" && Bucket(call) is { } bucket
            ? ["arn:aws:s3:::" + bucket + "/" + (QueryOf(call.Request).GetValueOrDefault("prefix") ?? string.Empty)]
            : [];

    /// <summary>CloudTrail's <c>requestParameters</c> of an S3 call: <c>bucketName</c>, <c>Host</c>, <c>key</c> and the query's parameters.</summary>
    private static JsonObject? RecordParameters(AwsCall call)
    {
        var parameters = new JsonObject();
        if (Bucket(call) is { } bucket)
        {
            parameters["bucketName"] = bucket;
        }

        parameters["Host"] = call.Request.Host;
        if (Key(call) is { } key)
        {
            parameters["key"] = key;
        }

        foreach (var (name, value) in QueryOf(call.Request))
        {
            if (!name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && name != "x-id")
            {
                parameters[name] = value;
            }
        }

        return parameters;
    }

    private static string? Bucket(AwsCall call) => call.PathValues.GetValueOrDefault(BucketValue);

    private static string? Key(AwsCall call) => call.PathValues.GetValueOrDefault(KeyValue);

    private static ContextValue Text(string value) => new(ContextKeyType.String, [value], false);

    /// <summary>The query decoded once; a bare sub-resource (<c>?uploads</c>) maps to "".</summary>
    private static Dictionary<string, string> QueryOf(AwsRequest request)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in QueryHelpers.ParseQuery(request.RawQuery))
        {
            query[name] = values.ToString();
        }

        return query;
    }

    private static S3Headers HeadersOf(AwsRequest request) =>
        new(request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? string.Empty))));
}
