using Irsa.Kubernetes;
using Irsa.Storage;
using k8s.Models;

namespace Irsa.Server.Cluster;

/// <summary>
/// The rules EKS access policies grant a user authenticated by an EKS token: the policies associated with its access entry,
/// each at its scope; in <c>CONFIG_MAP</c> mode the cluster's creator is cluster-admin (EKS's hidden bootstrap mapping).
/// Users authenticated otherwise (service-account tokens) carry no <c>canonicalArn</c> and get none.
/// </summary>
public sealed class ClusterAccessPolicies(IDocumentStore store) : IClusterAccessPolicies
{
    public async Task<IReadOnlyList<ScopedAccessRules>> RulesForAsync(IKubernetesCluster cluster, V1UserInfo user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (cluster is not KubernetesClusterView view || user.Extra is null || !user.Extra.TryGetValue("canonicalArn", out var values)
            || values is not [var canonical] || user.Uid?.StartsWith("aws-iam-authenticator:", StringComparison.Ordinal) != true)
        {
            return [];
        }

        var record = view.Record;
        if (!AccessEntries.Enabled(record))
        {
            return EksTokenAuthenticator.IsCreator(record, canonical)
                ? [new ScopedAccessRules(AccessPolicies.ClusterAdmin.Arn, AccessPolicies.ClusterAdmin.Rules, null)]
                : [];
        }

        var entry = await AccessEntries.FindAsync(store, record.Id, canonical, cancellationToken);
        if (entry is null)
        {
            return [];
        }

        return [.. entry.Policies
            .Select(p => (Associated: p, Policy: AccessPolicies.Find(p.PolicyArn)))
            .Where(p => p.Policy is not null)
            .Select(p => new ScopedAccessRules(p.Policy!.Arn, p.Policy.Rules,
                p.Associated.ScopeType == AccessEntries.NamespaceScope ? p.Associated.Namespaces : null))];
    }
}
