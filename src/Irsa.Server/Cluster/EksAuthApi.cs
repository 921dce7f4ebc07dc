using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Audit.Records;
using Irsa.Cluster.TokenReviews;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Security;
using Irsa.Kubernetes;
using Irsa.Policy;
using Irsa.Server.Aws;
using Irsa.Storage;
using Irsa.Sts;
using Irsa.Sts.Sessions;

namespace Irsa.Server.Cluster;

/// <summary>
/// EKS Auth's <c>AssumeRoleForPodIdentity</c>: the node's agent hands in a pod's token; the token is reviewed as the
/// cluster's TokenReview would (audience <c>pods.eks.amazonaws.com</c>, this cluster's keys, a live bound pod), the pod's
/// service account must have an association, and STS assumes the association's role as <c>pods.eks.amazonaws.com</c> with
/// the six pod session tags (then the target role, when set).
/// </summary>
public sealed partial class EksAuthApi(ClusterService clusters, PodIdentityAssociations associations, StsApi sts, IDocumentStore store,
    TimeProvider time, Hosting.ServerContext server)
{
    public const string Audience = "pods.eks.amazonaws.com";
    public const string EventSource = "eks-auth.amazonaws.com";

    /// <summary>EKS Auth's errors: AWS's REST-JSON spelling, except that <c>AccessDeniedException</c> is a 400 there.</summary>
    public static AwsErrorDialect Dialect { get; } = new EksAuthDialect();

    public IEnumerable<AwsOperation> Rows() =>
    [
        new AwsOperation
        {
            Service = "eks-auth",
            Name = "AssumeRoleForPodIdentity",
            IamAction = "eks-auth:AssumeRoleForPodIdentity",
            Dialect = Dialect,
            ReadOnly = false,
            EventSource = EventSource,
            Route = new RestRoute("POST", "clusters/{clusterName}/assume-role-for-pod-identity"),
            ResolveTarget = call => Task.FromResult(new AwsTarget(
                $"arn:aws:eks:{server.Region}:{call.RequiredCaller.AccountId}:cluster/{call.PathValues["clusterName"]}", new Dictionary<string, ContextValue>())),
            UnrecordedParameters = new HashSet<string>(StringComparer.Ordinal) { "token" },
            Handler = AssumeRoleForPodIdentityAsync,
        },
    ];

    private async Task<AwsResult> AssumeRoleForPodIdentityAsync(AwsCall call)
    {
        var clusterName = call.PathValues["clusterName"];
        if (clusterName.Length is 0 or > 100 || !ClusterNamePattern().IsMatch(clusterName))
        {
            return new AwsError("InvalidParameterException", "The cluster name must be 1 to 100 characters of [0-9A-Za-z][A-Za-z0-9\\-_]*.", 400);
        }

        var token = TokenOf(call.Request.Body);
        if (token is null)
        {
            return new AwsError("InvalidParameterException", "The token parameter is required and must be a JSON Web Token.", 400);
        }

        var cluster = await clusters.FindAsync(call.RequiredCaller.AccountId, clusterName, call.CancellationToken);
        if (cluster is null)
        {
            return AwsResult.Fail(new AwsError("ResourceNotFoundException", $"No cluster found for name: {clusterName}.", 404),
                Explanation.Of("ClusterNotFound", $"No cluster {clusterName} in account {call.RequiredCaller.AccountId}."));
        }

        // The token must be this cluster's, for Pod Identity's audience, unexpired, and bound to a pod that still exists.
        var review = await KubernetesObjects.ReviewTokenAsync(store, new KubernetesClusterView(clusters, cluster), token, [Audience], time, call.CancellationToken);
        if (!review.Authenticated)
        {
            var reason = review.Status.Error ?? "the token was not issued by this cluster";
            return reason.Contains("expired", StringComparison.Ordinal)
                ? AwsResult.Fail(new AwsError("ExpiredTokenException", "The service account token has expired.", 400), Explanation.Of("TokenExpired", reason))
                : AwsResult.Fail(new AwsError("InvalidTokenException", "The service account token is not valid.", 400), Explanation.Of("TokenInvalid", reason));
        }

        var pod = PodOf(review, cluster.Name);
        if (pod is not { PodName: { } podName, PodUid: { } podUid, ServiceAccountName: { } serviceAccount })
        {
            return AwsResult.Fail(new AwsError("InvalidTokenException", "The service account token is not bound to a pod.", 400),
                Explanation.Of("TokenNotBoundToPod", "EKS Pod Identity needs a token bound to a pod (a projected token)."));
        }

        var association = await associations.FindForServiceAccountAsync(cluster.Id, pod.Namespace, serviceAccount, call.CancellationToken);
        if (association is null)
        {
            return AwsResult.Fail(new AwsError("ResourceNotFoundException",
                    $"No Pod Identity Association found for service account {serviceAccount} in namespace {pod.Namespace} of cluster {cluster.Name}.", 404),
                Explanation.Of("NoAssociation", $"No association for {pod.Namespace}/{serviceAccount} in cluster {cluster.Name}."));
        }

        var tags = association.DisableSessionTags ? new Dictionary<string, string>() : new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["eks-cluster-arn"] = cluster.Arn,
            ["eks-cluster-name"] = cluster.Name,
            ["kubernetes-namespace"] = pod.Namespace,
            ["kubernetes-service-account"] = serviceAccount,
            ["kubernetes-pod-name"] = podName,
            ["kubernetes-pod-uid"] = podUid,
        };
        PodIdentityOutcome outcome;
        try
        {
            outcome = await sts.AssumeRoleForPodIdentityAsync(new PodIdentityAssumption(association.RoleArn, association.TargetRoleArn, association.ExternalId,
                SessionName(cluster.Name, podName), tags, association.Policy, pod, cluster.Arn), call.Request.RequestId, call.CancellationToken);
        }
        catch (StsFailureException e)
        {
            // STS's refusal, in EKS Auth's words; the operator's explanation keeps STS's reason.
            return AwsResult.Fail(e.Error.Code == "AccessDenied"
                ? new AwsError("AccessDeniedException", e.Error.Message, 400)
                : new AwsError("InvalidRequestException", e.Error.Message, 400), e.Explanation);
        }

        var session = outcome.Credentials.Session;
        var body = Response(pod.Namespace, serviceAccount, association, session);
        var recorded = (JsonObject)body.DeepClone();
        recorded["credentials"] = CloudTrailElements.Credentials(session.AccessKeyId, session.Expiration);
        body["credentials"] = new JsonObject
        {
            ["sessionToken"] = outcome.Credentials.SessionToken,
            ["secretAccessKey"] = outcome.Credentials.SecretAccessKey,
            ["accessKeyId"] = outcome.Credentials.AccessKeyId,
            ["expiration"] = session.Expiration.ToUnixTimeSeconds(),
        };
        return new AwsResult(new AwsReply(200, "application/json", JsonSerializer.SerializeToUtf8Bytes(body)))
        {
            IssuedSession = session,
            ResponseElements = recorded,

            // The trail shows which tags the pod's session carries (what aws:PrincipalTag/* conditions will see).
            AdditionalEventData = tags.Count == 0 ? null : new JsonObject { ["sessionTags"] = new JsonObject([.. tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]) },
            Resources = [.. outcome.Hops.Select(h => h.RoleArn), association.Arn],
        };
    }

    private static JsonObject Response(string @namespace, string serviceAccount, PodIdentityAssociationRecord association, RoleSession session) => new()
    {
        ["subject"] = new JsonObject { ["namespace"] = @namespace, ["serviceAccount"] = serviceAccount },
        ["audience"] = Audience,
        ["podIdentityAssociation"] = new JsonObject { ["associationArn"] = association.Arn, ["associationId"] = association.AssociationId },
        ["assumedRoleUser"] = new JsonObject { ["arn"] = session.AssumedRoleArn, ["assumeRoleId"] = session.AssumedRoleId },
    };

    /// <summary>
    /// <c>eks-CLUSTER-POD-UUID</c>. STS allows 64 characters: the cluster and pod part is shortened first, so the random
    /// UUID that keeps sessions apart always survives.
    /// </summary>
    public static string SessionName(string clusterName, string podName)
    {
        var prefix = $"eks-{clusterName}-{podName}";
        var uuid = Uuid.NewVersion4().ToString();
        const int Max = 64;
        return (prefix.Length > Max - uuid.Length - 1 ? prefix[..(Max - uuid.Length - 1)] : prefix) + "-" + uuid;
    }

    private static KubernetesSession? PodOf(TokenReviewResult review, string clusterName)
    {
        var user = review.Status.User;
        var parts = user?.Username?.Split(':');
        if (parts is not ["system", "serviceaccount", var ns, var name])
        {
            return null;
        }

        string? Extra(string key) => user!.Extra is { } extra && extra.TryGetValue(key, out var values) ? values.FirstOrDefault() : null;
        return new KubernetesSession(ns, name, user!.Uid, Extra(ServiceAccountUserExtra.PodName), Extra(ServiceAccountUserExtra.PodUid),
            Extra(ServiceAccountUserExtra.NodeName), Extra(ServiceAccountUserExtra.NodeUid), clusterName);
    }

    private static string? TokenOf(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject { } json && json["token"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
                && value.GetValue<string>() is { Length: > 0 } token ? token : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex ClusterNamePattern();

    private sealed class EksAuthDialect : AwsErrorDialect
    {
        public override AwsError Spell(AwsError error) =>
            RestJson.Spell(error) is { Code: "AccessDeniedException" } denied ? denied with { StatusCode = 400 } : RestJson.Spell(error);

        public override AwsReply Render(AwsError error, string requestId) => RestJson.Render(error, requestId);
    }
}
