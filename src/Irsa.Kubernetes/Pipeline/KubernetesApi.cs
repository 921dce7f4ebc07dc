using Irsa.Cluster.Errors;
using Irsa.Storage;
using Microsoft.Extensions.Logging;

namespace Irsa.Kubernetes;

/// <summary>
/// Each cluster's Kubernetes API: discovery, namespaces, service accounts (with the TokenRequest subresource), pods
/// and TokenReview, answering unmodified clients such as kubectl. The host hands it each request below
/// <c>/k8s/{clusterId}</c> as a <see cref="KubernetesHttpRequest"/>.
/// </summary>
/// <remarks>
/// One pipeline for every request, listed in <see cref="HandleAsync"/>: find the cluster → authenticate the bearer
/// token → route the path → authorize → the resource's handler → audit → respond. Every failure, unexpected ones
/// included, becomes a Kubernetes <c>Status</c> through <see cref="KubernetesErrors.ToStatus"/>; handlers validate
/// before they write and write in one transaction, so a failed request leaves the store as it was.
/// </remarks>
public sealed partial class KubernetesApi
{
    private readonly IKubernetesClusterDirectory _clusters;
    private readonly IKubernetesAuditSink _audit;
    private readonly KubernetesAuditOptions _auditOptions;
    private readonly TimeProvider _time;
    private readonly ILogger<KubernetesApi> _logger;
    private readonly KubernetesRequestAuthenticator _authenticator;
    private readonly KubernetesAuthorizer _authorizer;
    private readonly ObjectHandler _objects;
    private readonly WatchHandler _watches;
    private readonly SelfReviewHandler _selfReviews;
    private readonly TokenRequestHandler _tokenRequests;
    private readonly TokenReviewHandler _tokenReviews;

    public KubernetesApi(IKubernetesClusterDirectory clusters, IDocumentStore store, IPodAdmission admission, PodPresenceCache presence,
        IKubernetesAuditSink audit, KubernetesAuditOptions auditOptions, TimeProvider time, ILogger<KubernetesApi> logger,
        IExternalTokenAuthenticator? externalTokens = null, IClusterAccessPolicies? accessPolicies = null)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(presence);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(auditOptions);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _clusters = clusters;
        _audit = audit;
        _auditOptions = auditOptions;
        _time = time;
        _logger = logger;
        _authenticator = new KubernetesRequestAuthenticator(store, time, externalTokens);
        var rbac = new RbacAuthorizer(store);
        var changes = new ClusterChanges();
        _authorizer = new KubernetesAuthorizer(accessPolicies ?? new NoClusterAccessPolicies(), rbac);
        var rbacLifecycle = new RbacLifecycle(new RbacEscalation(_authorizer, rbac));
        _objects = new ObjectHandler(store, time, new Dictionary<string, ObjectLifecycle>(StringComparer.Ordinal)
        {
            ["namespaces"] = new NamespaceLifecycle(presence, time),
            ["pods"] = new PodLifecycle(store, admission, presence),
            ["roles"] = rbacLifecycle,
            ["clusterroles"] = rbacLifecycle,
            ["rolebindings"] = rbacLifecycle,
            ["clusterrolebindings"] = rbacLifecycle,
        }, changes);
        _watches = new WatchHandler(store, time, changes);
        _selfReviews = new SelfReviewHandler(_authorizer, rbac);
        _tokenRequests = new TokenRequestHandler(store, time);
        _tokenReviews = new TokenReviewHandler(store, time);
    }

    /// <summary>Answers one request to cluster <paramref name="clusterId"/>; the response is complete when this returns.</summary>
    public async Task HandleAsync(string clusterId, KubernetesHttpRequest request, IKubernetesResponseWriter response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var exchange = new KubernetesExchange(request, KubernetesAuditEvents.AuditId(request.Header(KubernetesResponses.AuditIdHeader)),
            _time.GetUtcNow(), cancellationToken);
        KubernetesReply reply;
        try
        {
            reply = await RunAsync(clusterId, exchange);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            reply = KubernetesReply.Status(KubernetesErrors.ToStatus(failure) ?? Unexpected(failure, exchange));
        }

        await AuditAsync(exchange, reply);
        var built = KubernetesResponses.Build(reply, exchange.AuditId, exchange.Warnings);
        if (reply.Stream is { } stream)
        {
            await stream(await response.StartStreamAsync(built.StatusCode, built.Headers, cancellationToken), cancellationToken);
            return;
        }

        await response.WriteAsync(built, cancellationToken);
    }

    /// <summary>The steps up to the handler; each failure is thrown and mapped in <see cref="HandleAsync"/>.</summary>
    private async Task<KubernetesReply> RunAsync(string clusterId, KubernetesExchange exchange)
    {
        var cluster = exchange.Cluster = await _clusters.FindAsync(clusterId, exchange.Aborted)
            ?? throw new KubernetesStatusException(KubernetesErrors.PathNotFound());
        var user = exchange.User = await _authenticator.AuthenticateAsync(exchange, cluster)
            ?? throw new KubernetesStatusException(KubernetesStatus.Unauthorized());
        var route = exchange.Route ?? throw new KubernetesStatusException(KubernetesErrors.PathNotFound());
        var authorization = await _authorizer.AuthorizeAsync(KubernetesAccessRequest.For(cluster, user, route), exchange.Aborted);
        authorization.Annotate(exchange.Annotations);
        if (authorization.Forbidden is { } forbidden)
        {
            throw new KubernetesStatusException(forbidden);
        }

        return await DispatchAsync(new KubernetesRequest(exchange, cluster, route, user));
    }

    private Task<KubernetesReply> DispatchAsync(KubernetesRequest request)
    {
        var route = request.Route;
        if (route.IsDiscovery)
        {
            return DiscoveryHandler.HandleAsync(request);
        }

        var type = route.Type!;
        if (!type.Serves(route.Verb))
        {
            throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed());
        }

        if (route.Verb == "watch")
        {
            return _watches.HandleAsync(request);
        }

        return type.Storage switch
        {
            ResourceStorage.Virtual when route.Verb != "create" => throw new KubernetesStatusException(KubernetesErrors.MethodNotAllowed()),
            ResourceStorage.Virtual when type.Subresource == "token" => _tokenRequests.HandleAsync(request),
            ResourceStorage.Virtual when type.Plural == "tokenreviews" => _tokenReviews.HandleAsync(request),
            ResourceStorage.Virtual => _selfReviews.HandleAsync(request),
            _ => _objects.HandleAsync(request),
        };
    }

    /// <summary>
    /// Records the request in the cluster's audit log before the response leaves. A request for an unknown cluster has
    /// no log to go to. A failing sink is logged, not turned into a failed request (as kube-apiserver's log backend).
    /// </summary>
    private async Task AuditAsync(KubernetesExchange exchange, KubernetesReply reply)
    {
        if (exchange.Cluster is not { } cluster)
        {
            return;
        }

        var auditEvent = KubernetesAuditEvents.Create(exchange, reply, _auditOptions, _time.GetUtcNow());
        if (auditEvent is null)
        {
            return;
        }

        try
        {
            await _audit.WriteAsync(cluster.Id, auditEvent, CancellationToken.None);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            LogAuditFailed(cluster.Id, exchange.AuditId, failure);
        }
    }

    private KubernetesStatus Unexpected(Exception failure, KubernetesExchange exchange)
    {
        LogUnexpected(exchange.Input.Method, exchange.Input.Path, exchange.AuditId, failure);
        return KubernetesErrors.Unexpected(exchange.AuditId);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Kubernetes API {Method} {Path} failed unexpectedly (audit ID {AuditId})")]
    private partial void LogUnexpected(string method, string path, string auditId, Exception failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write the audit event {AuditId} of cluster {ClusterId}")]
    private partial void LogAuditFailed(string clusterId, string auditId, Exception failure);
}
