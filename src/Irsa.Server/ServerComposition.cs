using Irsa.Audit.Journal;
using Irsa.Core.Security;
using Irsa.Iam.Accounts;
using Irsa.Iam.Authorization;
using Irsa.Iam.Queries;
using Irsa.S3;
using Irsa.S3.Blobs;
using Irsa.Server.Audit;
using Irsa.Server.Aws;
using Irsa.Server.Cluster;
using Irsa.Server.Hosting;
using Irsa.Server.S3;
using Irsa.Server.Security;
using Irsa.Server.Sts;
using Irsa.SigV4;
using Irsa.Storage;
using Irsa.Sts;
using Irsa.Sts.WebIdentity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Irsa.Server;

/// <summary>
/// The one place that lists Irsa's parts: which services exist, which endpoints they answer, and what runs
/// on first start. Reading this file top to bottom is reading the request flow.
/// </summary>
internal static class ServerComposition
{
    public static void AddServices(IServiceCollection services)
    {
        // Identity and authorization: SigV4 → caller identity → policy engine.
        services.AddSingleton(sp => new SigV4Verifier(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AccessKeys>();
        services.AddSingleton<PrincipalPolicyResolver>();
        services.AddSingleton<Authorizer>();
        services.AddSingleton<RequestAuthenticator>();
        services.AddSingleton<ISessionCredentialResolver, SessionCredentialResolver>();

        // The engines behind the AWS pipeline.
        services.AddSingleton<Irsa.Iam.IamApi>();
        services.AddSingleton<IamActionCatalog>();
        services.AddSingleton<SessionKeyStore>();
        services.AddHostedService<SessionKeyRotationService>();
        services.AddSingleton<IamQueries>();
        services.AddSingleton<IPodLivenessCheck, ClusterPodLivenessCheck>();
        services.AddSingleton<IClusterIssuerDirectory, ClusterIssuerDirectory>();
        services.AddSingleton(sp => new CachingWebIdentityDirectory(
            new IamWebIdentityDirectory(sp.GetRequiredService<IamQueries>(), sp.GetRequiredService<PrincipalPolicyResolver>()), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => StsApi.Create(
            sp.GetRequiredService<CachingWebIdentityDirectory>(),
            sp.GetRequiredService<SessionKeyStore>().LoadOrCreateAsync(CancellationToken.None).GetAwaiter().GetResult(),
            sp.GetRequiredService<TimeProvider>(),
            new StsOptions { Region = sp.GetRequiredService<ServerContext>().Region },
            sp.GetRequiredService<IPodLivenessCheck>(),
            clusters: sp.GetRequiredService<IClusterIssuerDirectory>(),
            logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcKeySource).FullName!)));
        services.AddSingleton<ClusterService>();
        services.AddSingleton<PodIdentityAssociations>();
        services.AddSingleton<EksAuthApi>();
        services.AddSingleton(sp => new EksApi(sp.GetRequiredService<ClusterService>(), sp.GetRequiredService<ServerContext>(), sp.GetRequiredService<TimeProvider>())
        {
            PodIdentity = sp.GetRequiredService<PodIdentityAssociations>(),
        });
        services.AddSingleton<AccessEntriesApi>();

        // Each cluster's Kubernetes API: EKS tokens authenticate IAM identities, access entries' policies authorize them.
        services.AddSingleton<Irsa.Kubernetes.IExternalTokenAuthenticator, EksTokenAuthenticator>();
        services.AddSingleton<Irsa.Kubernetes.IClusterAccessPolicies, ClusterAccessPolicies>();
        KubernetesEndpoints.AddServices(services);

        // Every AWS call: one catalog of operations, one ordered pipeline, and its record in the CloudTrail trail.
        services.AddSingleton(sp => new S3Engine(sp.GetRequiredService<IDocumentStore>(),
            new DirectoryBlobStore(sp.GetRequiredService<ServerContext>().Data.Objects),
            new S3EngineOptions { Region = sp.GetRequiredService<ServerContext>().Region }));
        services.AddSingleton(sp => new S3Addressing(() => sp.GetRequiredService<ServerContext>().PublicUrl));
        services.AddSingleton<S3Api>();
        services.AddSingleton(sp =>
        {
            var accounts = new AccountApi(new IamBootstrap(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<SecretProtector>(),
                sp.GetRequiredService<TimeProvider>()), () => sp.GetRequiredService<ServerContext>().AccountId);
            var s3 = sp.GetRequiredService<S3Api>();
            // Each service's rows, one line a service; CloudTrail's only when the trail is kept.
            return new AwsOperations(
            [
                .. AwsOperations.IamRows(sp.GetRequiredService<Irsa.Iam.IamApi>(), sp.GetRequiredService<IamActionCatalog>()),
                .. AwsOperations.StsRows(sp.GetRequiredService<StsApi>(), sp.GetRequiredService<AccessKeys>()),
                .. accounts.Rows(AwsOperations.IamEventSource),
                .. EksApi.Rows(sp.GetRequiredService<EksApi>(), AwsOperations.EksEventSource),
                .. AccessEntriesApi.Rows(sp.GetRequiredService<AccessEntriesApi>(), AwsOperations.EksEventSource),
                .. sp.GetRequiredService<EksAuthApi>().Rows(),
                .. sp.GetService<AuditTrail>() is { } trail ? CloudTrailApi.Rows(trail, AwsOperations.CloudTrailEventSource) : [],
                .. s3.Rows,
            ], s3.Claim);
        });
        services.AddSingleton<IAwsCallAudit>(sp => sp.GetService<AuditTrail>() is { } trail
            ? new CloudTrailAudit(trail, sp.GetRequiredService<ServerContext>())
            : new NoAwsCallAudit());
        services.AddHostedService<AuditRetentionService>();
        services.AddSingleton<AwsPipeline>();

        // The pod-identity webhook: in-process admission for cluster pods, /mutate and /metrics.
        Webhook.WebhookEndpoints.AddServices(services);
    }

    public static void MapEndpoints(WebApplication app)
    {
        // The Kubernetes listener (HTTPS, the local CA's certificate) serves the clusters' Kubernetes API and nothing else
        // (and the other listeners do not serve it: KubernetesEndpoints), so a bearer token is never asked for over plain HTTP.
        var server = app.Services.GetRequiredService<ServerContext>();
        app.Use((context, next) => context.Connection.LocalPort != server.KubernetesPort || context.Request.Path.StartsWithSegments("/k8s", StringComparison.Ordinal)
            ? next(context)
            : NotFoundAsync(context));
        app.MapGet("/healthz", () => Results.Text("ok"));
        ClusterEndpoints.Map(app);
        KubernetesEndpoints.Map(app);
        Webhook.WebhookEndpoints.Map(app);

        // Everything else is AWS: one edge endpoint, one pipeline (Aws/AwsPipeline.cs). S3 requests go there before any
        // endpoint, whatever their path (a bucket may be named like one of the endpoints above).
        var pipeline = app.Services.GetRequiredService<AwsPipeline>();
        var s3 = app.Services.GetRequiredService<S3Addressing>();
        app.Use((context, next) => s3.Claims(context.Request) ? pipeline.HandleAsync(context) : next(context));
        app.MapFallback(pipeline.HandleAsync);
    }

    internal static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>First start creates the account and its admin key; every start rewrites the AWS CLI config files.</summary>
    public static async Task BootstrapAsync(IServiceProvider services, IrsaServerOptions options, CancellationToken cancellationToken)
    {
        var context = services.GetRequiredService<ServerContext>();
        var bootstrap = new IamBootstrap(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<SecretProtector>(),
            services.GetRequiredService<TimeProvider>());
        var admin = await bootstrap.EnsureAccountAsync(options.AccountId, cancellationToken);
        context.AccountId = admin.AccountId;
        await services.GetRequiredService<ClusterService>().ReconcileBootstrapPolicyAsync(cancellationToken);

        // The trail delivers its closed log and digest files into each account's trail bucket in Irsa's own S3.
        services.GetService<AuditTrail>()?.StartBucketDelivery(new S3TrailObjectStore(services.GetRequiredService<S3Engine>(),
            services.GetRequiredService<TimeProvider>()));
        ClientConfigFiles.Write(context.Data, admin.AccessKeyId, admin.SecretAccessKey, options.Region, context.PublicUrl,
            context.PublicUrl.StartsWith("https://", StringComparison.Ordinal));
    }
}
