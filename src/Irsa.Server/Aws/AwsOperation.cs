using System.Text.Json.Nodes;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Policy;
using Irsa.Sts.Sessions;

namespace Irsa.Server.Aws;

/// <summary>How a call proves who it is.</summary>
public enum AwsAuthKind
{
    /// <summary>SigV4 over the raw request; the access key resolves to a <see cref="CallerIdentity"/>.</summary>
    SigV4,

    /// <summary>No signature is required nor checked: the request carries its own credential (a web identity token).</summary>
    Unsigned,
}

/// <summary>
/// One row of the operation catalog: everything the pipeline needs to run one AWS operation. Adding an operation is
/// one row and one handler.
/// </summary>
public sealed record AwsOperation
{
    /// <summary>Bodies of unauthenticated calls: AWS's own requests are small (AssumeRoleWithWebIdentity carries at most a
    /// 20,000-character token, a 2,048-character policy and 10 policy ARNs), and nothing was verified before reading them.</summary>
    public const int UnsignedBodyLimit = 64 * 1024;

    /// <summary>Bodies of signed calls: the largest IAM document (a 131,072-character policy, form-encoded) fits several times.</summary>
    public const int SignedBodyLimit = 1024 * 1024;

    /// <summary>Bodies a row streams (S3): a 5 GiB object plus its aws-chunked framing (a chunk header per 8 KiB at worst).</summary>
    public const long StreamedBodyLimit = (5L << 30) + (64L << 20);

    /// <summary>The signing name and service (<c>iam</c>, <c>sts</c>, <c>eks</c>).</summary>
    public required string Service { get; init; }

    /// <summary>The operation as AWS names it (<c>CreateRole</c>) and as CloudTrail's <c>eventName</c> records it.</summary>
    public required string Name { get; init; }

    /// <summary>CloudTrail's <c>eventName</c> when it differs from <see cref="Name"/> (S3 logs ListObjectsV2 as <c>ListObjects</c>).</summary>
    public string EventName
    {
        get => field ?? Name;
        init;
    }

    /// <summary>A CloudTrail data event (S3 object and list calls) rather than a management event.</summary>
    public bool DataEvent { get; init; }

    /// <summary>The body is the handler's to stream (S3 objects up to 5 GiB): the pipeline reads none of it, and SigV4
    /// trusts the declared payload hash, which the handler then verifies while reading.</summary>
    public bool StreamsBody { get; init; }

    /// <summary>CloudTrail's <c>requestParameters</c> when the generic form does not fit (S3's <c>bucketName</c>, <c>Host</c>, <c>key</c>).</summary>
    public Func<AwsCall, JsonObject?>? RecordParameters { get; init; }

    /// <summary>The IAM action that authorizes the call, or <c>null</c> when no identity policy is consulted
    /// (<c>AssumeRoleWithWebIdentity</c>: the role's trust policy decides; <c>GetCallerIdentity</c>: always allowed).</summary>
    public string? IamAction { get; init; }

    public AwsAuthKind Auth { get; init; } = AwsAuthKind.SigV4;

    public required AwsErrorDialect Dialect { get; init; }

    /// <summary>CloudTrail's <c>readOnly</c>; read-only calls are never retried on a write conflict (they cannot have one).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>CloudTrail's <c>eventSource</c> (<c>iam.amazonaws.com</c>).</summary>
    public required string EventSource { get; init; }

    /// <summary>REST operations: the method and path template they answer; <c>null</c> for awsQuery operations (routed by
    /// <c>Action</c>) and awsJson operations (routed by <see cref="JsonTarget"/>).</summary>
    public RestRoute? Route { get; init; }

    /// <summary>awsJson operations: the <c>X-Amz-Target</c> they answer (<c>PREFIX.Operation</c>); <c>null</c> for the others.</summary>
    public string? JsonTarget { get; init; }

    /// <summary>The resource and condition keys the call is authorized against; <c>null</c> means <c>*</c> and no extra keys.</summary>
    public Func<AwsCall, Task<AwsTarget>>? ResolveTarget { get; init; }

    public required Func<AwsCall, Task<AwsResult>> Handler { get; init; }

    /// <summary>Request parameters that are never recorded (credentials such as <c>WebIdentityToken</c>), as sent on the wire.</summary>
    public IReadOnlySet<string> UnrecordedParameters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public int MaxBodyBytes => Auth == AwsAuthKind.Unsigned ? UnsignedBodyLimit : SignedBodyLimit;
}

/// <summary>One call in flight: the request, its row, the authenticated caller and the route's path values.</summary>
public sealed class AwsCall(AwsRequest request, AwsOperation operation, IReadOnlyDictionary<string, string> pathValues, CancellationToken cancellationToken)
{
    public AwsRequest Request { get; } = request;

    public AwsOperation Operation { get; } = operation;

    /// <summary>Values bound by the REST route (<c>name</c> of <c>/clusters/{name}</c>).</summary>
    public IReadOnlyDictionary<string, string> PathValues { get; } = pathValues;

    /// <summary>Set once authentication succeeded; <c>null</c> for unsigned operations.</summary>
    public CallerIdentity? Caller { get; internal set; }

    /// <summary>What the primary decision was made against (resource, keys, resource policy); set by the authorize step.</summary>
    public AwsTarget? Target { get; internal set; }

    /// <summary>What the verified signature proved (payload signing, seed signature, presigned or header); set with <see cref="Caller"/>.</summary>
    public Irsa.SigV4.SigV4Identity? Signature { get; internal set; }

    /// <summary>Decides one more action on one more resource for this caller, through the same policy engine, with the
    /// request's condition keys (S3 decides DeleteObjects per key and CopyObject's source); set by the pipeline.</summary>
    public Func<AwsTarget, string, CancellationToken, Task<AwsDecision>> AuthorizeAsync { get; internal set; } =
        (_, _, _) => Task.FromResult(new AwsDecision(false, null, null));

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The unread request body of a row that streams it (<see cref="AwsOperation.StreamsBody"/>); empty otherwise.</summary>
    public Stream Body { get; init; } = Stream.Null;

    /// <summary>The authenticated caller; handlers of signed operations run only after authentication.</summary>
    public CallerIdentity RequiredCaller => Caller ?? throw new InvalidOperationException($"{Operation.Name} ran without an authenticated caller.");
}

/// <summary>What a call is authorized against.</summary>
/// <param name="ResourceArn">The canonical ARN of the resource the handler will touch, or <c>*</c>.</param>
/// <param name="ConditionKeys">The request's condition keys (<c>aws:ResourceTag/*</c>, <c>aws:RequestTag/*</c>, <c>iam:PolicyARN</c>…).</param>
/// <param name="ResourcePolicy">The resource's own policy (an S3 bucket policy), combined with the caller's as AWS does.</param>
/// <param name="ResourceAccount">The resource's owner, when it may differ from the caller's account.</param>
public sealed record AwsTarget(string ResourceArn, IReadOnlyDictionary<string, ContextValue> ConditionKeys,
    PolicyEntry? ResourcePolicy = null, string? ResourceAccount = null)
{
    public static AwsTarget Any { get; } = new("*", new Dictionary<string, ContextValue>());
}

/// <summary>One more decision a handler asked for: allowed, or AWS's error and the operator's explanation.</summary>
public sealed record AwsDecision(bool Allowed, AwsError? Denied, Explanation? Explanation);

/// <summary>Bytes ready for the wire, or a writer that streams them (S3 objects).</summary>
public sealed record AwsReply(int StatusCode, string? ContentType, byte[] Body)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Streams the body instead of <see cref="Body"/>: <see cref="ContentLength"/> bytes, written after the headers.</summary>
    public Func<Stream, CancellationToken, Task>? Writer { get; init; }

    public long ContentLength => DeclaredLength ?? Body.Length;

    /// <summary>The length of what <see cref="Writer"/> writes, or of what a GET would send in answer to a HEAD.</summary>
    public long? DeclaredLength { get; init; }
}

/// <summary>A handler's outcome: the reply, or the AWS error to render in the operation's dialect, plus what the audit records.</summary>
public sealed class AwsResult
{
    public AwsResult(AwsReply reply) => Reply = reply;

    public AwsResult(AwsError error) => Error = error;

    public AwsReply? Reply { get; }

    public AwsError? Error { get; }

    /// <summary>CloudTrail's <c>responseElements</c>; <c>null</c> unless the handler supplies them (never secrets).</summary>
    public JsonObject? ResponseElements { get; init; }

    /// <summary>The session minted by <c>AssumeRoleWithWebIdentity</c> (its web identity names provider, <c>aud</c> and <c>sub</c>).</summary>
    public RoleSession? IssuedSession { get; init; }

    /// <summary>The web identity an <c>AssumeRoleWithWebIdentity</c> presented, for the record's <c>WebIdentityUser</c>.</summary>
    public Irsa.Sts.WebIdentity.WebIdentityCaller? WebIdentityCaller { get; init; }

    /// <summary>CloudTrail's <c>additionalEventData</c> the handler adds (S3's bytes transferred).</summary>
    public JsonObject? AdditionalEventData { get; init; }

    /// <summary>The operator's reason for a failure, never sent to the client.</summary>
    public Explanation? Explanation { get; init; }

    /// <summary>Resources the handler touched beyond the authorized one (ARNs).</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Prefixes of resources the handler read (S3 lists: the bucket's ARN and the listed prefix).</summary>
    public IReadOnlyList<string> ResourcePrefixes { get; init; } = [];

    public static AwsResult Ok(AwsReply reply) => new(reply);

    public static AwsResult Fail(AwsError error, Explanation? explanation = null) => new(error) { Explanation = explanation };

    public static implicit operator AwsResult(AwsError error) => Fail(error);
}

/// <summary>A REST route: a method and a path template whose <c>{name}</c> segments bind one percent-decoded segment each.</summary>
public sealed record RestRoute(string Method, string Template)
{
    private readonly string[] _segments = Template.Trim('/').Split('/');

    public IReadOnlyDictionary<string, string>? Match(string method, string rawPath)
    {
        if (!string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = rawPath.Trim('/').Split('/');
        if (parts.Length != _segments.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Length; i++)
        {
            if (_segments[i].StartsWith('{'))
            {
                values[_segments[i][1..^1]] = Uri.UnescapeDataString(parts[i]);
            }
            else if (!string.Equals(parts[i], _segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return values;
    }
}
