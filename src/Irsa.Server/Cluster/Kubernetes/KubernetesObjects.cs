using Irsa.Cluster.Tokens;
using Irsa.Storage;
using k8s;
using k8s.Models;

namespace Irsa.Server.Cluster.Kubernetes;

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

    /// <summary>Creates <c>default</c> and <c>kube-system</c>, a <c>default</c> service account in each, and the admin account.</summary>
    internal static async Task SeedClusterAsync(IDocumentSession session, string clusterId, DateTimeOffset now)
    {
        foreach (var ns in new[] { "default", AdminNamespace })
        {
            var created = new V1Namespace
            {
                ApiVersion = "v1",
                Kind = "Namespace",
                Metadata = new V1ObjectMeta { Name = ns },
                Status = new V1NamespaceStatus { Phase = "Active" },
            };
            KubernetesObjectStore.InitializeMetadata(created.Metadata, null, now.UtcDateTime);
            await KubernetesObjectStore.WriteAsync(session, Namespaces, NamespaceKey(clusterId, ns), created, expectedVersion: 0);
            await KubernetesObjectStore.WriteAsync(session, ServiceAccounts, ObjectKey(clusterId, ns, "default"),
                NewServiceAccount(ns, "default", now.UtcDateTime), expectedVersion: 0);
        }

        await KubernetesObjectStore.WriteAsync(session, ServiceAccounts, ObjectKey(clusterId, AdminNamespace, AdminServiceAccount),
            NewServiceAccount(AdminNamespace, AdminServiceAccount, now.UtcDateTime), expectedVersion: 0);
    }

    /// <summary>Removes every object of a cluster (inside the caller's transaction).</summary>
    internal static async Task DeleteClusterAsync(IDocumentSession session, string clusterId)
    {
        foreach (var collection in new[] { Namespaces, ServiceAccounts, Pods })
        {
            foreach (var document in await session.ListAsync(collection, clusterId + "/"))
            {
                await session.DeleteAsync(collection, document.Key);
            }
        }
    }

    internal static async Task<(string Token, DateTimeOffset Expiration)> IssueAdminTokenAsync(ClusterService clusters, IDocumentStore store,
        string accountId, string name, CancellationToken cancellationToken)
    {
        var cluster = await clusters.DescribeAsync(accountId, name, cancellationToken);
        var account = Read<V1ServiceAccount>(await store.GetAsync(ServiceAccounts, ObjectKey(cluster.Id, AdminNamespace, AdminServiceAccount), cancellationToken))
            ?? throw new InvalidOperationException($"Cluster {name} has no {AdminNamespace}/{AdminServiceAccount} service account.");
        var issuer = ClusterService.Issuer(clusters.PublicUrl, cluster.Id);
        var key = clusters.SigningKey(cluster);
        var token = clusters.TokenIssuer.Issue(key, new ServiceAccountTokenClaims
        {
            Issuer = issuer,
            Namespace = AdminNamespace,
            ServiceAccount = new ObjectRef(AdminServiceAccount, account.Metadata.Uid),
            Audiences = [issuer],
            ExpirationSeconds = (long)AdminTokenLifetime.TotalSeconds,
        });
        await clusters.RecordSignedAsync(cluster, token.KeyId, token.ExpiresAt, cancellationToken);
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
