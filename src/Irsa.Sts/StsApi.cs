using System.Net;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Iam.Queries;
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
    private readonly AssumeRoleWithWebIdentityAction _assumeRole;
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
        _assumeRole = new AssumeRoleWithWebIdentityAction(validator, directory, sessions, liveness, timeProvider, options ?? new StsOptions(), clusters);
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
        _assumeRole.ExecuteAsync(parameters, requestId, sourceIp, cancellationToken);

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
