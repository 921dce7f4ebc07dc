using System.Security.Cryptography;
using Irsa.Cluster;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using Irsa.Core.Aws;
using Irsa.Core.Security;
using Irsa.Kubernetes;
using Irsa.Server.Hosting;
using Irsa.Server.Telemetry;
using Irsa.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Irsa.Server.Cluster;

/// <summary>
/// Clusters and their service-account signing keys: create/describe/list/delete for the EKS API, key rotation,
/// and the published key set behind each cluster's OIDC discovery.
/// </summary>
/// <remarks>
/// Rotation is the engine's <see cref="SigningKeyRing"/>: a new key is published at once but signs only after
/// <see cref="IrsaServerOptions.KeyPrePublishDelay"/>; a replaced key stays published until the last token it
/// signed has expired, then it is pruned. The ring's state lives in the cluster document (<see cref="ClusterKeyRecord"/>).
/// </remarks>
public sealed class ClusterService(IDocumentStore store, SecretProtector protector, TimeProvider time, ServerContext server, IrsaServerOptions options,
    PodPresenceCache presence, ILogger<ClusterService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ClusterService>.Instance;

    public const string Collection = "clusters";
    public const string IdCollection = "cluster-ids";

    /// <summary>Tag that selects the signing algorithm at creation (<c>RS256</c> default, <c>ES256</c>, <c>ES384</c>, <c>ES512</c>).</summary>
    public const string SigningAlgorithmTag = "irsa:signing-algorithm";

    private readonly ClusterKeyRings _rings = new(protector);

    /// <summary>Mints kube-apiserver-exact tokens for this server's clusters.</summary>
    public ServiceAccountTokenIssuer TokenIssuer { get; } = new(time);

    /// <summary>This server's base URL, which every cluster's issuer and endpoint derive from.</summary>
    public string PublicUrl => server.PublicUrl;

    public static string Issuer(string publicUrl, string clusterId) => $"{publicUrl}/id/{clusterId}";

    /// <summary>
    /// The cluster's kube-apiserver token flags: one issuer, which is also the only API audience (so bearer tokens for
    /// the cluster's Kubernetes API are issuer-audience tokens), the server's max expiration, extension on.
    /// </summary>
    public ClusterIssuerOptions IssuerOptions(string clusterId)
    {
        var issuer = Issuer(server.PublicUrl, clusterId);
        return new ClusterIssuerOptions
        {
            Issuers = [issuer],
            ApiAudiences = [issuer],
            MaxTokenExpirationSeconds = (long)options.MaxTokenExpiration.TotalSeconds,
            ExtendTokenExpiration = true,
        };
    }

    /// <summary>The cluster's Kubernetes API endpoint, on the HTTPS Kubernetes listener (<see cref="ServerContext.KubernetesUrl"/>).</summary>
    public static string KubernetesEndpoint(string kubernetesUrl, string clusterId) => $"{kubernetesUrl}/k8s/{clusterId}";

    /// <summary>Base URL of the clusters' Kubernetes API (<c>https://HOST:PORT</c>).</summary>
    public string KubernetesUrl => server.KubernetesUrl;

    /// <summary>EKS serves the JWKS at <c>{issuer}/keys</c>, not kube-apiserver's <c>/openid/v1/jwks</c>.</summary>
    public static string JwksUri(string publicUrl, string clusterId) => Issuer(publicUrl, clusterId) + "/keys";

    /// <summary>
    /// Creates the cluster; with <c>bootstrapClusterCreatorAdminPermissions</c> in a mode with access entries, the creator
    /// (<paramref name="creatorArn"/>, a role session's role; <paramref name="creatorRoleId"/> its role's id) gets a
    /// cluster-admin access entry in the same transaction.
    /// </summary>
    public async Task<ClusterRecord> CreateAsync(string accountId, CreateClusterRequest request, string creatorArn, string? creatorRoleId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var algorithm = SigningAlgorithm.RS256;
        if (request.Tags.TryGetValue(SigningAlgorithmTag, out var requested) && !SigningAlgorithms.TryParseJoseName(requested, out algorithm))
        {
            throw new AwsErrorException(new AwsError("InvalidParameterException", $"Tag {SigningAlgorithmTag} must be one of RS256, ES256, ES384, ES512.", 400));
        }

        var now = Truncate(time.GetUtcNow());
        var id = RandomNumberGenerator.GetHexString(32);
        using var ring = new SigningKeyRing(RingOptions(id));
        ring.Rotate(now, options.KeyPrePublishDelay, algorithm);
        var cluster = new ClusterRecord
        {
            Name = request.Name,
            Id = id,
            AccountId = accountId,
            Region = server.Region,
            CreatedAt = now,
            Version = request.Version ?? "1.34",
            RoleArn = request.RoleArn,
            ResourcesVpcConfig = request.ResourcesVpcConfig,
            Tags = request.Tags,
            ClientRequestToken = request.ClientRequestToken,
            BootstrapClusterCreatorArn = creatorArn,
            AuthenticationMode = request.AuthenticationMode,
            Keys = _rings.ToStored(ring.ExportState()),
        };
        var bootstrapEntry = request.BootstrapClusterCreatorAdminPermissions && AccessEntries.Enabled(cluster)
            ? AccessEntries.Bootstrap(cluster, creatorArn, creatorRoleId, now)
            : null;

        await store.TransactAsync(async session =>
        {
            if (await session.GetAsync(Collection, Key(accountId, request.Name)) is not null)
            {
                throw new AwsErrorException(new AwsError("ResourceInUseException", $"Cluster already exists with name: {request.Name}", 409));
            }

            await session.PutAsync(Collection, Key(accountId, request.Name), cluster, expectedVersion: 0);
            await session.PutAsync(IdCollection, cluster.Id, new ClusterIdIndex(accountId, request.Name), expectedVersion: 0);
            await KubernetesObjects.SeedClusterAsync(session, cluster.Id, now);
            if (bootstrapEntry is not null)
            {
                await session.PutAsync(AccessEntries.Collection, AccessEntries.Key(cluster.Id, bootstrapEntry.CanonicalArn), bootstrapEntry, expectedVersion: 0);
            }
        }, cancellationToken);
        ClusterLog.Created(_logger, cluster.Name, cluster.Id, accountId, cluster.Keys[^1].KeyId);
        return cluster;
    }

    /// <summary>
    /// At start-up, gives every cluster the bootstrap RBAC objects it lacks (clusters created before they existed, or
    /// whose defaults were deleted), as kube-apiserver reconciles its bootstrap policy when it starts.
    /// </summary>
    public async Task ReconcileBootstrapPolicyAsync(CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await store.ListAsync(IdCollection, "", after, 100, cancellationToken);
            foreach (var document in page)
            {
                try
                {
                    if (await KubernetesObjects.ReconcileBootstrapPolicyAsync(store, document.Key, time.GetUtcNow(), cancellationToken))
                    {
                        ClusterLog.BootstrapPolicyReconciled(_logger, document.Key);
                    }
                }
                catch (ConcurrencyConflictException)
                {
                    // Another server on the same store (or a write to the cluster) got there first; its result stands.
                }
            }

            if (page.Count < 100)
            {
                return;
            }

            after = page[^1].Key;
        }
    }

    public async Task<ClusterRecord> DescribeAsync(string accountId, string name, CancellationToken cancellationToken) =>
        await FindAsync(accountId, name, cancellationToken) ?? throw NotFound(name);

    public Task<ClusterRecord?> FindAsync(string accountId, string name, CancellationToken cancellationToken) =>
        store.GetAsync<ClusterRecord>(Collection, Key(accountId, name), cancellationToken);

    public async Task<(IReadOnlyList<string> Names, string? NextToken)> ListAsync(string accountId, string? after, int max, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(Collection, accountId + "/", after is null ? null : Key(accountId, after), max + 1, cancellationToken);
        var names = page.Take(max).Select(d => d.Key[(accountId.Length + 1)..]).ToList();
        return (names, page.Count > max ? names[^1] : null);
    }

    /// <summary>Deletes the cluster and every Kubernetes object in it; its issuer stops serving discovery at once.</summary>
    public async Task<ClusterRecord> DeleteAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        var cluster = await store.TransactAsync(async session =>
        {
            var existing = await session.GetAsync<ClusterRecord>(Collection, Key(accountId, name)) ?? throw NotFound(name);
            await session.DeleteAsync(Collection, Key(accountId, name));
            await session.DeleteAsync(IdCollection, existing.Id);
            await KubernetesObjects.DeleteClusterAsync(session, existing.Id);
            await PodIdentityAssociations.DeleteClusterAsync(session, existing.Id);
            await AccessEntries.DeleteClusterAsync(session, existing.Id);
            return existing;
        }, cancellationToken);
        _rings.Forget(cluster.Id);
        presence.Forget(cluster.Id + "/");
        ClusterLog.Deleted(_logger, cluster.Name, cluster.Id);
        return cluster;
    }

    /// <summary>Adds a new signing key (published now, signing after the pre-publish delay) and prunes expired retired keys.</summary>
    public async Task<ClusterRecord> RotateKeysAsync(string accountId, string name, CancellationToken cancellationToken) =>
        await ChangeKeysAsync(accountId, name, (ring, cluster, now) =>
        {
            var algorithm = cluster.Keys.Count > 0 && SigningAlgorithms.TryParseJoseName(cluster.Keys[^1].Algorithm, out var a) ? a : SigningAlgorithm.RS256;
            ring.Rotate(now, options.KeyPrePublishDelay, algorithm);
            return true;
        }, cancellationToken) ?? throw NotFound(name);

    /// <summary>Changes the authentication mode the one way EKS allows: CONFIG_MAP → API_AND_CONFIG_MAP → API.</summary>
    public async Task<ClusterRecord> SetAuthenticationModeAsync(string accountId, string name, string mode, CancellationToken cancellationToken) =>
        await store.TransactAsync(async session =>
        {
            var cluster = await session.GetAsync<ClusterRecord>(Collection, Key(accountId, name)) ?? throw NotFound(name);
            var from = cluster.EffectiveAuthenticationMode;
            int Rank(string m) => m switch { AccessEntries.ConfigMapMode => 0, AccessEntries.ApiAndConfigMapMode => 1, AccessEntries.ApiMode => 2, _ => -1 };
            if (Rank(mode) < 0 || Rank(mode) <= Rank(from))
            {
                throw new AwsErrorException(new AwsError("InvalidParameterException", $"Unsupported authentication mode update from {from} to {mode}", 400));
            }

            var updated = cluster with { AuthenticationMode = mode };
            await session.PutAsync(Collection, Key(accountId, name), updated);
            return updated;
        }, cancellationToken);

    public async Task<ClusterRecord?> FindByIdAsync(string clusterId, CancellationToken cancellationToken)
    {
        var index = await store.GetAsync<ClusterIdIndex>(IdCollection, clusterId, cancellationToken);
        return index is null ? null : await store.GetAsync<ClusterRecord>(Collection, Key(index.AccountId, index.Name), cancellationToken);
    }

    /// <summary>The keys relying parties may meet: every key of the ring not yet prunable, oldest first.</summary>
    public IReadOnlyList<ClusterSigningKey> PublishedKeys(ClusterRecord cluster)
    {
        var ring = Ring(cluster);
        var now = time.GetUtcNow();

        // Pruning is persisted on the next key write; until then the view already hides keys past their retention.
        var expired = ring.Describe(now)
            .Where(k => k.State == SigningKeyState.Retired && ring.PublishedUntil(k.Record) <= now)
            .Select(k => k.Record.KeyId)
            .ToHashSet(StringComparer.Ordinal);
        return [.. ring.GetPublishedKeys().Where(k => !expired.Contains(k.KeyId))];
    }

    /// <summary>The key that signs now.</summary>
    public ClusterSigningKey SigningKey(ClusterRecord cluster) => Ring(cluster).GetSigningKey(time.GetUtcNow());

    /// <summary>
    /// Records that <paramref name="keyId"/> signed a token valid until <paramref name="expiresAt"/>, so the key stays
    /// published at least that long after rotation.
    /// </summary>
    /// <remarks>
    /// The expiry is rounded up to the hour before it reaches the ring, so the ring reports a change (and the cluster
    /// document is written) at most about once an hour per key, not on every issuance.
    /// </remarks>
    public async Task RecordSignedAsync(ClusterRecord cluster, string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var rounded = RoundUpToHour(expiresAt);
        if (!Ring(cluster).RecordIssued(keyId, rounded))
        {
            return;
        }

        await ChangeKeysAsync(cluster.AccountId, cluster.Name, (ring, _, _) => ring.RecordIssued(keyId, rounded), cancellationToken);
    }

    /// <summary>The discovery document and JWKS bytes of a cluster, exactly as relying parties fetch them.</summary>
    public (byte[] Discovery, byte[] Jwks) DiscoveryDocuments(ClusterRecord cluster)
    {
        var keys = PublishedKeys(cluster);
        var issuer = Issuer(server.PublicUrl, cluster.Id);
        return (OidcDiscoveryDocument.Create(issuer, JwksUri(server.PublicUrl, cluster.Id), keys), JwksDocument.Create(keys));
    }

    /// <summary>A bearer token for the cluster's admin identity (<c>kube-system/irsa-admin</c>), for kubeconfig files.</summary>
    public async Task<(string Token, DateTimeOffset Expiration)> CreateAdminTokenAsync(string accountId, string name, CancellationToken cancellationToken) =>
        await KubernetesObjects.IssueAdminTokenAsync(store, new KubernetesClusterView(this, await DescribeAsync(accountId, name, cancellationToken)), cancellationToken);

    internal static string Key(string accountId, string name) => accountId + "/" + name;

    private static AwsErrorException NotFound(string name) =>
        new(new AwsError("ResourceNotFoundException", $"No cluster found for name: {name}.", 404));

    private static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private static DateTimeOffset RoundUpToHour(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerHour;
        return new DateTimeOffset(remainder == 0 ? ticks : ticks - remainder + TimeSpan.TicksPerHour, TimeSpan.Zero);
    }

    private SigningKeyRingOptions RingOptions(string clusterId) => SigningKeyRingOptions.ForCluster(IssuerOptions(clusterId));

    private SigningKeyRing Ring(ClusterRecord cluster) => _rings.Get(cluster, RingOptions(cluster.Id));

    /// <summary>
    /// Applies <paramref name="change"/> to a ring rebuilt from the freshly read document, prunes, and writes the state
    /// back in one transaction; null when the cluster is gone. Nothing is written when the change reports no change
    /// and nothing was pruned.
    /// </summary>
    private async Task<ClusterRecord?> ChangeKeysAsync(string accountId, string name, Func<SigningKeyRing, ClusterRecord, DateTimeOffset, bool> change,
        CancellationToken cancellationToken)
    {
        var now = Truncate(time.GetUtcNow());
        SigningKeyRing? written = null;
        IReadOnlyList<string>? before = null;
        var result = await store.TransactAsync(async session =>
        {
            var cluster = await session.GetAsync<ClusterRecord>(Collection, Key(accountId, name));
            if (cluster is null)
            {
                return null;
            }

            before = KeyIds(cluster);

            var ring = _rings.Restore(cluster, RingOptions(cluster.Id));
            var changed = change(ring, cluster, now);
            changed |= ring.Prune(now).Count > 0;
            if (!changed)
            {
                ring.Dispose();
                return cluster;
            }

            var updated = cluster with { Keys = _rings.ToStored(ring.ExportState()) };
            await session.PutAsync(Collection, Key(accountId, name), updated);
            written = ring;
            return updated;
        }, cancellationToken);

        if (result is not null && written is not null)
        {
            _rings.Replace(result, written);
            var after = KeyIds(result);
            if (!after.SequenceEqual(before ?? [], StringComparer.Ordinal))
            {
                // A rotation added a key or pruning removed one: what relying parties see in the JWKS changed.
                var keyIds = string.Join(", ", after);
                ClusterLog.KeysChanged(_logger, result.Name, result.Id, keyIds);
            }
        }

        return result;
    }

    private static IReadOnlyList<string> KeyIds(ClusterRecord cluster) => [.. cluster.Keys.Select(k => k.KeyId)];

    private sealed record ClusterIdIndex(string AccountId, string Name);
}
