using Irsa.Cluster.TokenReviews;
using Irsa.Cluster.Tokens;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Kubernetes;

/// <summary>
/// Where each cluster's Kubernetes objects live in the document store, and the objects every new cluster starts with.
/// </summary>
/// <remarks>
/// Objects are stored as their Kubernetes wire JSON (KubernetesClient's serializer), keyed
/// <c>{clusterId}/{name}</c> for namespaces and <c>{clusterId}/{namespace}/{name}</c> for namespaced kinds.
/// </remarks>
public static class KubernetesObjects
{
    public const string Namespaces = "k8s-namespaces";
    public const string ServiceAccounts = "k8s-serviceaccounts";
    public const string Pods = "k8s-pods";
    public const string Roles = "k8s-roles";
    public const string ClusterRoles = "k8s-clusterroles";
    public const string RoleBindings = "k8s-rolebindings";
    public const string ClusterRoleBindings = "k8s-clusterrolebindings";

    /// <summary>The service account whose tokens administer a cluster (what <c>irsa kubeconfig</c> hands out).</summary>
    public const string AdminNamespace = "kube-system";
    public const string AdminServiceAccount = "irsa-admin";

    /// <summary>How long an admin kubeconfig token lives; run <c>irsa kubeconfig</c> again for a fresh one.</summary>
    public static readonly TimeSpan AdminTokenLifetime = TimeSpan.FromHours(24);

    public static string NamespaceKey(string clusterId, string name) => clusterId + "/" + name;

    public static string ObjectKey(string clusterId, string ns, string name) => clusterId + "/" + ns + "/" + name;

    public static T? Read<T>(StoredDocument? document) => document is null ? default : KubernetesJson.Deserialize<T>(document.Json);

    public static Task<long> WriteAsync<T>(IDocumentSession session, string collection, string key, T value, long? expectedVersion = null) =>
        session.PutAsync(collection, key, KubernetesJson.Serialize(value), expectedVersion);

    /// <summary>
    /// Creates <c>default</c> and <c>kube-system</c>, a <c>default</c> service account in each, the admin account, and
    /// kube-apiserver's bootstrap RBAC policy (<see cref="BootstrapPolicy"/>).
    /// </summary>
    public static async Task SeedClusterAsync(IDocumentSession session, string clusterId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        var created = now.UtcDateTime;
        foreach (var ns in new[] { "default", AdminNamespace })
        {
            var value = new V1Namespace
            {
                ApiVersion = "v1",
                Kind = "Namespace",
                Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns } },
                Spec = new V1NamespaceSpec { Finalizers = ["kubernetes"] },
                Status = new V1NamespaceStatus { Phase = "Active" },
            };
            KubernetesObjectStore.InitializeMetadata(value.Metadata, null, created);
            await KubernetesObjectStore.PutAsync(session, clusterId, ResourceTable.Namespaces, NamespaceKey(clusterId, ns), value, expectedVersion: 0);
            await KubernetesObjectStore.PutAsync(session, clusterId, ResourceTable.ServiceAccounts, ObjectKey(clusterId, ns, "default"),
                NewServiceAccount(ns, "default", created), expectedVersion: 0);
        }

        await KubernetesObjectStore.PutAsync(session, clusterId, ResourceTable.ServiceAccounts, ObjectKey(clusterId, AdminNamespace, AdminServiceAccount),
            NewServiceAccount(AdminNamespace, AdminServiceAccount, created), expectedVersion: 0);
        await BootstrapPolicy.ReconcileAsync(session, clusterId, created);
    }

    /// <summary>
    /// Gives a cluster the bootstrap RBAC objects it lacks (clusters created by an older version, or whose defaults were
    /// deleted) and completes those still marked <c>rbac.authorization.kubernetes.io/autoupdate</c>, as kube-apiserver
    /// reconciles its bootstrap policy at start-up; objects annotated <c>autoupdate: "false"</c> are left as they are.
    /// Idempotent: a cluster already current is not written. Returns whether anything was written.
    /// </summary>
    public static Task<bool> ReconcileBootstrapPolicyAsync(IDocumentStore store, string clusterId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TransactAsync(session => BootstrapPolicy.ReconcileAsync(session, clusterId, now.UtcDateTime), cancellationToken);
    }

    /// <summary>Removes every object of a cluster, its revision and its change log (inside the caller's transaction).</summary>
    public static async Task DeleteClusterAsync(IDocumentSession session, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var collection in ResourceTable.Stored.Select(r => r.Collection).Append(KubernetesObjectStore.Changes))
        {
            foreach (var document in await session.ListAsync(collection, clusterId + "/"))
            {
                await session.DeleteAsync(collection, document.Key);
            }
        }

        await session.DeleteAsync(KubernetesObjectStore.Revisions, clusterId);
    }

    /// <summary>
    /// Reviews a token of the cluster for <paramref name="audiences"/> exactly as a TokenReview would (signature against the
    /// published keys, audience, times, live service account and bound pod), for services that accept the cluster's tokens
    /// outside its API (EKS Pod Identity's eks-auth).
    /// </summary>
    public static ValueTask<TokenReviewResult> ReviewTokenAsync(IDocumentStore store, IKubernetesCluster cluster, string token,
        IReadOnlyList<string> audiences, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new TokenReviewer(cluster.IssuerOptions, time, new StoreClusterObjectLookup(store, cluster.Id))
            .ReviewAsync(token, audiences, cluster.PublishedKeys(), cancellationToken);
    }

    /// <summary>A bearer token for the cluster's admin identity (<c>kube-system/irsa-admin</c>), for kubeconfig files.</summary>
    public static async Task<(string Token, DateTimeOffset Expiration)> IssueAdminTokenAsync(IDocumentStore store, IKubernetesCluster cluster,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cluster);
        var account = Read<V1ServiceAccount>(await store.GetAsync(ServiceAccounts, ObjectKey(cluster.Id, AdminNamespace, AdminServiceAccount), cancellationToken))
            ?? throw new InvalidOperationException($"Cluster {cluster.Id} has no {AdminNamespace}/{AdminServiceAccount} service account.");
        var issuer = cluster.IssuerOptions.Issuer;
        var token = cluster.TokenIssuer.Issue(cluster.SigningKey(), new ServiceAccountTokenClaims
        {
            Issuer = issuer,
            Namespace = AdminNamespace,
            ServiceAccount = new ObjectRef(AdminServiceAccount, account.Metadata.Uid),
            Audiences = [issuer],
            ExpirationSeconds = (long)AdminTokenLifetime.TotalSeconds,
        });
        await cluster.RecordSignedAsync(token.KeyId, token.ExpiresAt, cancellationToken);
        return (token.Token, token.ExpiresAt);
    }

    /// <summary>A new service account with server-owned metadata (what the service-account controller would create).</summary>
    internal static V1ServiceAccount NewServiceAccount(string ns, string name, DateTime now)
    {
        var account = new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new V1ObjectMeta { Name = name } };
        KubernetesObjectStore.InitializeMetadata(account.Metadata, ns, now);
        return account;
    }
}
