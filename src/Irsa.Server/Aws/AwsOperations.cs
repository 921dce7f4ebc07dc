using System.Text.Json.Nodes;
using Irsa.Audit.Records;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Iam.Accounts;
using Irsa.Iam.Authorization;
using Irsa.Server.Security;
using Irsa.Sts;

namespace Irsa.Server.Aws;

/// <summary>
/// The catalog of every AWS operation Irsa serves (IAM, STS, EKS), and the routing of a request to its row:
/// awsJson by <c>X-Amz-Target</c>, REST routes by method and path, awsQuery by the credential scope's service and <c>Action</c>.
/// </summary>
public sealed class AwsOperations
{
    public const string IamEventSource = "iam.amazonaws.com";
    public const string StsEventSource = "sts.amazonaws.com";
    public const string EksEventSource = "eks.amazonaws.com";
    public const string CloudTrailEventSource = "cloudtrail.amazonaws.com";

    private static readonly AwsErrorDialect IamDialect = AwsErrorDialect.Query(IamProtocol.Namespace);
    private static readonly AwsErrorDialect StsDialect = AwsErrorDialect.Query(StsProtocol.Namespace);

    private readonly Dictionary<(string Service, string Name), AwsOperation> _query = [];
    private readonly List<AwsOperation> _rest = [];
    private readonly Dictionary<string, AwsOperation> _json = new(StringComparer.Ordinal);

    private readonly Func<AwsRequest, (AwsOperation Operation, IReadOnlyDictionary<string, string> PathValues)?>? _streaming;

    /// <summary>A catalog of the given rows (the server lists each service's, one line a service; tests compose their own);
    /// <paramref name="streaming"/> claims the requests whose rows stream their bodies (S3's, by host or credential scope)
    /// before any body is read.</summary>
    public AwsOperations(IEnumerable<AwsOperation> rows, Func<AwsRequest, (AwsOperation Operation, IReadOnlyDictionary<string, string> PathValues)?>? streaming = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _streaming = streaming;
        foreach (var row in rows)
        {
            All.Add(row);
            if (row.JsonTarget is not null)
            {
                _json.Add(row.JsonTarget, row);
            }
            else if (row.Route is null)
            {
                _query.Add((row.Service, row.Name), row);
            }
            else
            {
                _rest.Add(row);
            }
        }
    }

    /// <summary>The placeholder row of a request that failed before it was resolved.</summary>
    public static AwsOperation Unresolved { get; } = Unknown("sts", StsDialect, StsEventSource, AwsError.InternalFailure(), signed: false);

    public List<AwsOperation> All { get; } = [];

    /// <summary>The row of a request some streaming protocol claims (S3), resolved from its request line and headers alone; <c>null</c> for the others.</summary>
    public (AwsOperation Operation, IReadOnlyDictionary<string, string> PathValues)? ResolveStreaming(AwsRequest request) => _streaming?.Invoke(request);

    /// <summary>
    /// The row for a request. A request no row serves gets a row whose handler answers AWS's error for it, so the
    /// pipeline still authenticates (AWS verifies the signature before saying <c>InvalidAction</c>) and audits it.
    /// </summary>
    public (AwsOperation Operation, IReadOnlyDictionary<string, string> PathValues) Resolve(AwsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = request.ScopeService;
        var signed = request.IsSigned;
        var none = new Dictionary<string, string>();
        if (request.Header("X-Amz-Target") is { } target && request.Method == "POST")
        {
            // awsJson: the target names the operation; an unknown one is AWS's UnknownOperationException, still audited.
            return _json.TryGetValue(target, out var jsonRow)
                ? (jsonRow, none)
                : (Unknown(scope ?? "cloudtrail", AwsErrorDialect.Json11, CloudTrailEventSource,
                    new AwsError("UnknownOperationException", "The operation named by X-Amz-Target is not served here", 400), signed), none);
        }

        if (scope is null or "eks" or "eks-auth")
        {
            foreach (var row in _rest)
            {
                if (row.Route!.Match(request.Method, request.RawPath) is { } values)
                {
                    return (row, values);
                }
            }
        }

        if (scope is "eks" or "eks-auth")
        {
            return (Unknown("eks", AwsErrorDialect.RestJson, EksEventSource, new AwsError("ResourceNotFoundException", "No EKS operation matches this path", 404), signed), none);
        }

        var action = request.Query.Action;
        var service = scope ?? (action is not null && _query.ContainsKey(("iam", action)) ? "iam" : "sts");
        var (dialect, source) = service == "iam" ? (IamDialect, IamEventSource) : (StsDialect, StsEventSource);
        if (service is not ("iam" or "sts"))
        {
            return (Unknown(service, dialect, source, new AwsError("InvalidAction", "The service named in the credential scope is not served here", 400), signed), none);
        }

        if (action is null || action.Length == 0)
        {
            return (Unknown(service, dialect, source, AwsError.MissingAction(), signed), none);
        }

        return _query.TryGetValue((service, action), out var operation)
            ? (operation, none)
            : (Unknown(service, dialect, source, AwsError.InvalidAction(action), signed), none);
    }

    private static AwsOperation Unknown(string service, AwsErrorDialect dialect, string eventSource, AwsError error, bool signed) => new()
    {
        Service = service,
        Name = "Unknown",
        Auth = signed ? AwsAuthKind.SigV4 : AwsAuthKind.Unsigned,
        Dialect = dialect,
        ReadOnly = true,
        EventSource = eventSource,
        Handler = _ => Task.FromResult(AwsResult.Fail(error)),
    };

    /// <summary>IAM's rows: one per entry of the IAM action table.</summary>
    public static IEnumerable<AwsOperation> IamRows(IamApi iam, IamActionCatalog catalog) =>
        IamActionCatalog.Entries.Select(action => new AwsOperation
        {
            Service = IamProtocol.ServiceName,
            Name = action.Name,
            IamAction = action.PolicyAction,
            Dialect = IamDialect,
            ReadOnly = action.ReadOnly,
            EventSource = IamEventSource,
            ResolveTarget = async call =>
            {
                var target = await catalog.ResolveAsync(action, call.Request.Query, call.RequiredCaller.AccountId, call.CancellationToken);
                return new AwsTarget(target.ResourceArn, target.ConditionKeys);
            },
            Handler = async call => AwsResult.Ok(Xml(await iam.ExecuteAsync(action, call.Request.Query, call.RequiredCaller, call.Request.RequestId))),
        });

    /// <summary>STS's rows; <paramref name="accessKeys"/> answers GetAccessKeyInfo for long-term keys.</summary>
    public static IEnumerable<AwsOperation> StsRows(StsApi sts, AccessKeys accessKeys) =>
    [
        new AwsOperation
        {
            Service = "sts",
            Name = StsProtocol.AssumeRoleWithWebIdentity,
            // The token is the credential: a signature is neither required nor checked, and the role's trust policy authorizes.
            Auth = AwsAuthKind.Unsigned,
            Dialect = StsDialect,
            ReadOnly = true,
            EventSource = StsEventSource,
            UnrecordedParameters = new HashSet<string>(StringComparer.Ordinal) { "WebIdentityToken" },
            Handler = async call => StsResultOf(
                await sts.AssumeRoleWithWebIdentityAsync(call.Request.Query, call.Request.RequestId, call.Request.SourceIp, call.CancellationToken),
                call.Request.Query.Get("RoleArn")),
        },
        new AwsOperation
        {
            Service = "sts",
            Name = StsProtocol.AssumeRole,
            // No identity-policy step here: the role's trust policy decides, with the caller's own policies where AWS
            // requires them (across accounts, or a trust naming only the account), so the handler evaluates both at once.
            Dialect = StsDialect,
            ReadOnly = true,
            EventSource = StsEventSource,
            UnrecordedParameters = new HashSet<string>(StringComparer.Ordinal) { "TokenCode" },
            Handler = async call => StsResultOf(
                await sts.AssumeRoleAsync(call.Request.Query, call.RequiredCaller, call.Request.RequestId, SourceContext.For(call.Request), call.CancellationToken),
                call.Request.Query.Get("RoleArn")),
        },
        new AwsOperation
        {
            Service = "sts",
            Name = StsProtocol.GetSessionToken,
            // Like GetCallerIdentity, no permission is needed.
            Dialect = StsDialect,
            ReadOnly = true,
            EventSource = StsEventSource,
            UnrecordedParameters = new HashSet<string>(StringComparer.Ordinal) { "TokenCode" },
            Handler = async call => StsResultOf(
                await sts.GetSessionTokenAsync(call.Request.Query, call.RequiredCaller, call.Request.RequestId, call.CancellationToken), null),
        },
        new AwsOperation
        {
            Service = "sts",
            Name = StsProtocol.GetAccessKeyInfo,
            IamAction = "sts:GetAccessKeyInfo",
            Dialect = StsDialect,
            ReadOnly = true,
            EventSource = StsEventSource,
            Handler = async call => StsResultOf(await StsApi.GetAccessKeyInfoAsync(call.Request.Query, call.Request.RequestId,
                async (keyId, cancellationToken) => (await accessKeys.FindAsync(keyId, cancellationToken))?.AccountId,
                call.CancellationToken), null),
        },
        new AwsOperation
        {
            Service = "sts",
            Name = StsProtocol.GetCallerIdentity,
            Dialect = StsDialect,
            ReadOnly = true,
            EventSource = StsEventSource,
            Handler = call => Task.FromResult(StsResultOf(StsApi.GetCallerIdentity(call.RequiredCaller, call.Request.RequestId), null)),
        },
    ];

    private static AwsResult StsResultOf(StsResult result, string? roleArn)
    {
        if (!result.IsSuccess)
        {
            return new AwsResult(result.Error!)
            {
                Explanation = result.Explanation ?? (result.Detail is { } detail ? Explanation.Of(result.Error!.Code, detail) : null),
                WebIdentityCaller = result.WebIdentity,
                Resources = roleArn is null ? [] : [roleArn],
            };
        }

        var session = result.IssuedSession;
        if (session is { Kind: Irsa.Sts.Sessions.SessionKind.User })
        {
            // GetSessionToken: the caller stays the user, so the record names no role and no session of one.
            return new AwsResult(Xml(result.Body!))
            {
                ResponseElements = new JsonObject { ["credentials"] = CloudTrailElements.Credentials(session.AccessKeyId, session.Expiration) },
            };
        }

        return new AwsResult(Xml(result.Body!))
        {
            IssuedSession = session,
            WebIdentityCaller = result.WebIdentity,
            Resources = roleArn is null ? [] : [session?.RoleArn ?? roleArn],
            ResponseElements = session is null ? null : AssumeRoleResponseElements(session, result.PackedPolicySize),
        };
    }

    /// <summary>What CloudTrail records of an issued role session, without the secret key or the session token.</summary>
    private static JsonObject AssumeRoleResponseElements(Irsa.Sts.Sessions.RoleSession session, int? packedPolicySize)
    {
        var elements = new JsonObject
        {
            ["credentials"] = CloudTrailElements.Credentials(session.AccessKeyId, session.Expiration),
            ["subjectFromWebIdentityToken"] = session.WebIdentity?.Subject,
            ["assumedRoleUser"] = new JsonObject { ["assumedRoleId"] = session.AssumedRoleId, ["arn"] = session.AssumedRoleArn },
            ["packedPolicySize"] = packedPolicySize,
            ["provider"] = session.WebIdentity?.ProviderArn,
            ["audience"] = session.WebIdentity?.Audience,
            ["sourceIdentity"] = session.SourceIdentity,
        };
        foreach (var name in elements.Where(e => e.Value is null).Select(e => e.Key).ToList())
        {
            elements.Remove(name);
        }

        return elements;
    }

    private static AwsReply Xml(byte[] body) => new(200, "text/xml", body);
}
