using System.Net;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.Actions;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts;

/// <summary>
/// The STS service, host-agnostic: one entry point per awsQuery request, plus session opening for SigV4 key
/// resolution and the caller identity of session credentials.
/// </summary>
/// <remarks>
/// Wiring for a host: authenticate the request (skip SigV4 for <see cref="StsProtocol.IsUnsigned"/> actions; resolve
/// <c>ASIA</c> keys with <see cref="OpenSession"/>), build the caller with <see cref="CreateCallerAsync"/>, then call
/// <see cref="ExecuteAsync"/> and write <see cref="StsResult.Body"/> or <see cref="StsResult.RenderError"/>.
/// </remarks>
public sealed class StsApi : IDisposable
{
    /// <summary>The service principal EKS Pod Identity assumes roles as.</summary>
    public const string PodIdentityService = "pods.eks.amazonaws.com";

    /// <summary>How long EKS Pod Identity's first-hop credentials last, whatever the role's maximum (the agent caches them 6 h).</summary>
    public static readonly TimeSpan PodIdentityLifetime = TimeSpan.FromHours(6);

    private readonly AssumeRoleWithWebIdentityAction _assumeRoleWithWebIdentity;
    private readonly AssumeRoleAction _assumeRole;
    private readonly GetSessionTokenAction _getSessionToken;
    private readonly SessionCallerFactory _callers;
    private readonly OidcKeySource? _ownedKeySource;

    /// <summary>Composes the service from its parts (tests and custom hosts).</summary>
    public StsApi(WebIdentityTokenValidator validator, IWebIdentityDirectory directory, SessionTokenService sessions, TimeProvider timeProvider,
        StsOptions? options = null, IPodLivenessCheck? liveness = null, IClusterIssuerDirectory? clusters = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Sessions = sessions;
        var issuer = new RoleSessionIssuer(directory, sessions, options ?? new StsOptions());
        _assumeRoleWithWebIdentity = new AssumeRoleWithWebIdentityAction(validator, directory, issuer, liveness, timeProvider, clusters);
        _assumeRole = new AssumeRoleAction(directory, issuer, timeProvider);
        _getSessionToken = new GetSessionTokenAction(issuer, timeProvider);
        _callers = new SessionCallerFactory(directory);
    }

    private StsApi(OidcKeySource keySource, IWebIdentityDirectory directory, SessionTokenService sessions, TimeProvider timeProvider,
        StsOptions options, IPodLivenessCheck? liveness, IClusterIssuerDirectory? clusters)
        : this(new WebIdentityTokenValidator(directory, keySource, timeProvider, options), directory, sessions, timeProvider, options, liveness, clusters) =>
        _ownedKeySource = keySource;

    /// <summary>The session token service (key ring rotation: <see cref="SessionTokenService.ReplaceKeyRing"/>).</summary>
    public SessionTokenService Sessions { get; }

    /// <summary>
    /// The usual composition: IAM state from <paramref name="directory"/> (<see cref="IamWebIdentityDirectory"/> over
    /// <see cref="IamQueries"/>), issuers reached over HTTPS with <paramref name="handlerFactory"/> (default:
    /// <see cref="ThumbprintTrust.CreateDefaultHandler"/>); <paramref name="clusters"/> names the host's clusters in pod attributions.
    /// </summary>
    public static StsApi Create(IWebIdentityDirectory directory, SessionKeyRing keyRing, TimeProvider timeProvider, StsOptions? options = null,
        IPodLivenessCheck? liveness = null, OidcHandlerFactory? handlerFactory = null, IClusterIssuerDirectory? clusters = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= new StsOptions();
        return new StsApi(new OidcKeySource(timeProvider, options.KeySource, handlerFactory, logger), directory, new SessionTokenService(keyRing),
            timeProvider, options, liveness, clusters);
    }

    /// <summary>
    /// Runs one STS action. <paramref name="caller"/> is the authenticated signer, or <c>null</c> for an unsigned request
    /// (it is ignored for <c>AssumeRoleWithWebIdentity</c>, which is unsigned by definition).
    /// </summary>
    public async Task<StsResult> ExecuteAsync(string? action, QueryParameters parameters, CallerIdentity? caller, string requestId,
        IPAddress? sourceIp = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(requestId);
        try
        {
            return action switch
            {
                null or "" => StsResult.Failure(AwsError.MissingAction()),
                StsProtocol.AssumeRoleWithWebIdentity => await AssumeRoleWithWebIdentityAsync(parameters, requestId, sourceIp, cancellationToken),
                StsProtocol.GetCallerIdentity => GetCallerIdentity(caller, requestId),
                StsProtocol.AssumeRole when caller is not null => await AssumeRoleAsync(parameters, caller, requestId, null, cancellationToken),
                StsProtocol.GetSessionToken when caller is not null => await GetSessionTokenAsync(parameters, caller, requestId, cancellationToken),
                StsProtocol.GetAccessKeyInfo when caller is not null => await GetAccessKeyInfoAsync(parameters, requestId, null, cancellationToken),
                StsProtocol.AssumeRole or StsProtocol.GetSessionToken or StsProtocol.GetAccessKeyInfo => StsResult.Failure(AwsError.MissingAuthenticationToken()),
                _ => StsResult.Failure(AwsError.InvalidAction(action)),
            };
        }
        catch (AwsErrorException ex)
        {
            return StsResult.Failure(ex.Error);
        }
    }

    /// <summary>
    /// <c>AssumeRoleWithWebIdentity</c>: the token is the credential. On success <see cref="StsResult.IssuedSession"/> is the
    /// minted session (its <see cref="Sessions.RoleSession.WebIdentity"/> names the provider, <c>aud</c> and <c>sub</c>).
    /// </summary>
    /// <exception cref="AwsErrorException">A client-facing error raised deep in validation.</exception>
    public Task<StsResult> AssumeRoleWithWebIdentityAsync(QueryParameters parameters, string requestId, IPAddress? sourceIp = null,
        CancellationToken cancellationToken = default) =>
        _assumeRoleWithWebIdentity.ExecuteAsync(parameters, requestId, sourceIp, cancellationToken);

    /// <summary>
    /// <c>AssumeRole</c> for an authenticated caller; <paramref name="requestKeys"/> are the transport's condition keys
    /// (<c>aws:SourceIp</c>, <c>aws:SecureTransport</c>…) the trust and identity policies may test.
    /// </summary>
    public Task<StsResult> AssumeRoleAsync(QueryParameters parameters, CallerIdentity caller, string requestId,
        IReadOnlyDictionary<string, ContextValue>? requestKeys = null, CancellationToken cancellationToken = default) =>
        _assumeRole.ExecuteAsync(parameters, caller, requestId, requestKeys, cancellationToken);

    /// <summary><c>GetSessionToken</c> for an IAM user's long-term key.</summary>
    public Task<StsResult> GetSessionTokenAsync(QueryParameters parameters, CallerIdentity caller, string requestId,
        CancellationToken cancellationToken = default) =>
        _getSessionToken.ExecuteAsync(parameters, caller, requestId, cancellationToken);

    /// <summary><c>GetAccessKeyInfo</c>; <paramref name="longTermAccount"/> finds the account of a long-term key Irsa stores.</summary>
    public static Task<StsResult> GetAccessKeyInfoAsync(QueryParameters parameters, string requestId,
        Func<string, CancellationToken, Task<string?>>? longTermAccount = null, CancellationToken cancellationToken = default) =>
        GetAccessKeyInfoAction.ExecuteAsync(parameters, requestId, longTermAccount, cancellationToken);

    /// <summary>
    /// EKS Pod Identity's STS side. Hop 1 assumes <see cref="PodIdentityAssumption.RoleArn"/> as the service principal
    /// <see cref="PodIdentityService"/> (its trust policy must allow <c>sts:AssumeRole</c>, and <c>sts:TagSession</c> when there
    /// are tags; every tag is transitive; the session lasts <see cref="PodIdentityLifetime"/>). With a target role, hop 2 is a
    /// chained <c>AssumeRole</c> by the hop-1 session with the external id, at most one hour, needing the target's trust policy
    /// and the hop-1 role's identity policies. The session policy restricts the last hop only.
    /// </summary>
    /// <exception cref="StsFailureException">Refused: STS's <c>AccessDenied</c> (or validation) error and the explanation.</exception>
    public async Task<PodIdentityOutcome> AssumeRoleForPodIdentityAsync(PodIdentityAssumption request, string requestId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(requestId);
        if (request.SessionName is not { Length: >= 2 and <= 64 } || !SessionParameters.SessionNamePattern().IsMatch(request.SessionName))
        {
            throw new StsFailureException(AwsError.Validation("The session name must be 2 to 64 characters of [\\w+=,.@-]."),
                Explanation.Of("InvalidParameter", "Invalid Pod Identity session name: " + request.SessionName));
        }

        var sourceKeys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:SourceArn"] = new(ContextKeyType.Arn, [request.ClusterArn], isMultiValued: false),
        };
        if (Arn.TryParse(request.ClusterArn, out var cluster))
        {
            sourceKeys["aws:SourceAccount"] = new(ContextKeyType.String, [cluster.Account], isMultiValued: false);
        }

        var tags = request.SessionTags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList();
        var first = new AssumeRoleRequest(request.RoleArn, request.SessionName, null, null,
            request.TargetRoleArn is null ? request.SessionPolicy : null, [], tags, [.. request.SessionTags.Keys], null);
        var service = new AssumeRoleAction.Assumer(null, PodIdentityService, sourceKeys) { Pod = request.Pod, PodIssuer = request.ClusterArn };
        var hop1 = await _assumeRole.AssumeAsync(service, first, PodIdentityLifetime, cancellationToken);
        if (request.TargetRoleArn is not { } targetRoleArn)
        {
            return new PodIdentityOutcome(hop1.Credentials, [hop1.Credentials.Session]);
        }

        var chainedCaller = await _callers.CreateAsync(hop1.Credentials.Session, cancellationToken);
        var second = new AssumeRoleRequest(targetRoleArn, request.SessionName, RoleSessionIssuer.ChainedMaxSeconds, request.ExternalId,
            request.SessionPolicy, [], [], [], null);
        var hop2 = await _assumeRole.AssumeAsync(new AssumeRoleAction.Assumer(chainedCaller, null, null) { RequireIdentityAllow = true }, second,
            null, cancellationToken);
        return new PodIdentityOutcome(hop2.Credentials, [hop1.Credentials.Session, hop2.Credentials.Session]);
    }

    /// <summary><c>GetCallerIdentity</c> of an authenticated caller (<c>null</c>: AWS's missing-authentication error).</summary>
    public static StsResult GetCallerIdentity(CallerIdentity? caller, string requestId) => GetCallerIdentityAction.Execute(caller, requestId);

    /// <summary>Opens the session of an <c>ASIA</c> access key and its session token (SigV4 key resolution).</summary>
    public SessionOpenResult OpenSession(string accessKeyId, string? sessionToken, DateTimeOffset now) =>
        Sessions.Open(accessKeyId, sessionToken, now);

    /// <summary>The caller identity of requests signed with an opened session's credentials.</summary>
    public Task<CallerIdentity> CreateCallerAsync(RoleSession session, CancellationToken cancellationToken = default) =>
        _callers.CreateAsync(session, cancellationToken);

    public void Dispose() => _ownedKeySource?.Dispose();
}
