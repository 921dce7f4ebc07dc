using System.Collections.Concurrent;
using System.Security.Cryptography;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Core.Aws;
using Irsa.Core.Security;
using Irsa.Cluster.Tokens;
using Irsa.Server.Cluster.Kubernetes;
using Irsa.Server.Hosting;
using Irsa.Storage;

namespace Irsa.Server.Cluster;

/// <summary>
/// Clusters and their service-account signing keys: create/describe/list/delete for the EKS API, key rotation,
/// and the published key set behind each cluster's OIDC discovery.
/// </summary>
/// <remarks>
/// Rotation follows kube-apiserver's safe order: a new key is published at once but signs only after
/// <see cref="IrsaServerOptions.KeyPrePublishDelay"/>; a replaced key stays published until the last token it
/// signed has expired, then it is pruned.
/// </remarks>
public sealed class ClusterService(IDocumentStore store, SecretProtector protector, TimeProvider time, ServerContext server, IrsaServerOptions options)
{
    public const string Collection = "clusters";
    public const string IdCollection = "cluster-ids";
    private const string KeyPurpose = "cluster/signing-key";

    /// <summary>Tag that selects the signing algorithm at creation (<c>RS256</c> default, <c>ES256</c>, <c>ES384</c>, <c>ES512</c>).</summary>
    public const string SigningAlgorithmTag = "irsa:signing-algorithm";

    private readonly ConcurrentDictionary<string, ClusterSigningKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Mints kube-apiserver-exact tokens for this server's clusters.</summary>
    public ServiceAccountTokenIssuer TokenIssuer { get; } = new(time);

    /// <summary>This server's base URL, which every cluster's issuer and endpoint derive from.</summary>
    public string PublicUrl => server.PublicUrl;

    public static string Issuer(string publicUrl, string clusterId) => $"{publicUrl}/id/{clusterId}";

    public static string KubernetesEndpoint(string publicUrl, string clusterId) => $"{publicUrl}/k8s/{clusterId}";

    /// <summary>EKS serves the JWKS at <c>{issuer}/keys</c>, not kube-apiserver's <c>/openid/v1/jwks</c>.</summary>
    public static string JwksUri(string publicUrl, string clusterId) => Issuer(publicUrl, clusterId) + "/keys";

    public async Task<ClusterRecord> CreateAsync(string accountId, CreateClusterRequest request, CancellationToken cancellationToken)
    {
        var algorithm = SigningAlgorithm.RS256;
        if (request.Tags.TryGetValue(SigningAlgorithmTag, out var requested) && !SigningAlgorithms.TryParseJoseName(requested, out algorithm))
        {
            throw new AwsErrorException(new AwsError("InvalidParameterException", $"Tag {SigningAlgorithmTag} must be one of RS256, ES256, ES384, ES512.", 400));
        }

        var now = Truncate(time.GetUtcNow());
        using var key = ClusterSigningKey.Generate(algorithm);
        var cluster = new ClusterRecord
        {
            Name = request.Name,
            Id = RandomNumberGenerator.GetHexString(32),
            AccountId = accountId,
            Region = server.Region,
            CreatedAt = now,
            Version = request.Version ?? "1.34",
            RoleArn = request.RoleArn,
            ResourcesVpcConfig = request.ResourcesVpcConfig,
            Tags = request.Tags,
            ClientRequestToken = request.ClientRequestToken,
            Keys = [NewKeyRecord(key, now, now)],
        };

        await store.TransactAsync(async session =>
        {
            if (await session.GetAsync(Collection, Key(accountId, request.Name)) is not null)
            {
                throw new AwsErrorException(new AwsError("ResourceInUseException", $"Cluster already exists with name: {request.Name}", 409));
            }

            await session.PutAsync(Collection, Key(accountId, request.Name), cluster, expectedVersion: 0);
            await session.PutAsync(IdCollection, cluster.Id, new ClusterIdIndex(accountId, request.Name), expectedVersion: 0);
            await KubernetesObjects.SeedClusterAsync(session, cluster.Id, now);
        }, cancellationToken);
        return cluster;
    }

    public async Task<ClusterRecord> DescribeAsync(string accountId, string name, CancellationToken cancellationToken) =>
        await store.GetAsync<ClusterRecord>(Collection, Key(accountId, name), cancellationToken) ?? throw NotFound(name);

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
            return existing;
        }, cancellationToken);
        foreach (var key in cluster.Keys)
        {
            if (_keys.TryRemove(key.KeyId, out var cached))
            {
                cached.Dispose();
            }
        }

        return cluster;
    }

    /// <summary>Adds a new signing key (published now, signing after the pre-publish delay) and prunes expired retired keys.</summary>
    public async Task<ClusterRecord> RotateKeysAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        var now = Truncate(time.GetUtcNow());
        return await store.TransactAsync(async session =>
        {
            var cluster = await session.GetAsync<ClusterRecord>(Collection, Key(accountId, name)) ?? throw NotFound(name);
            var algorithm = Enum.Parse<SigningAlgorithm>(cluster.Keys[^1].Algorithm);
            using var key = ClusterSigningKey.Generate(algorithm);
            var signsFrom = now + options.KeyPrePublishDelay;
            var keys = cluster.Keys
                .Select(k => k.RetiredAt is null ? k with { RetiredAt = signsFrom } : k)
                .Where(k => !IsPrunable(k, now))
                .Append(NewKeyRecord(key, now, signsFrom))
                .ToList();
            var updated = cluster with { Keys = keys };
            await session.PutAsync(Collection, Key(accountId, name), updated);
            return updated;
        }, cancellationToken);
    }

    public async Task<ClusterRecord?> FindByIdAsync(string clusterId, CancellationToken cancellationToken)
    {
        var index = await store.GetAsync<ClusterIdIndex>(IdCollection, clusterId, cancellationToken);
        return index is null ? null : await store.GetAsync<ClusterRecord>(Collection, Key(index.AccountId, index.Name), cancellationToken);
    }

    /// <summary>The keys relying parties may meet: every key published and not yet pruned, oldest first.</summary>
    public IReadOnlyList<ClusterSigningKey> PublishedKeys(ClusterRecord cluster)
    {
        var now = time.GetUtcNow();
        return [.. cluster.Keys.Where(k => k.PublishedAt <= now && !IsPrunable(k, now)).Select(Load)];
    }

    /// <summary>The key that signs now: the newest whose signing time has come.</summary>
    public ClusterSigningKey SigningKey(ClusterRecord cluster)
    {
        var now = time.GetUtcNow();
        return Load(cluster.Keys.Last(k => k.SignsFrom <= now));
    }

    /// <summary>
    /// Records that <paramref name="keyId"/> signed a token valid until <paramref name="expiresAt"/>, so the key stays
    /// published at least that long after rotation. Rounded up to the hour: at most one write per key per hour.
    /// </summary>
    public async Task RecordSignedAsync(ClusterRecord cluster, string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var current = cluster.Keys.FirstOrDefault(k => k.KeyId == keyId);
        if (current?.LastExpiry is { } last && last >= expiresAt)
        {
            return;
        }

        var rounded = new DateTimeOffset(expiresAt.UtcDateTime.Ticks - (expiresAt.UtcDateTime.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(1);
        await store.TransactAsync(async session =>
        {
            var fresh = await session.GetAsync<ClusterRecord>(Collection, Key(cluster.AccountId, cluster.Name));
            if (fresh is null)
            {
                return;
            }

            var keys = fresh.Keys.Select(k => k.KeyId == keyId && (k.LastExpiry is null || k.LastExpiry < rounded) ? k with { LastExpiry = rounded } : k).ToList();
            await session.PutAsync(Collection, Key(cluster.AccountId, cluster.Name), fresh with { Keys = keys });
        }, cancellationToken);
    }

    /// <summary>The discovery document and JWKS bytes of a cluster, exactly as relying parties fetch them.</summary>
    public (byte[] Discovery, byte[] Jwks) DiscoveryDocuments(ClusterRecord cluster)
    {
        var keys = PublishedKeys(cluster);
        var issuer = Issuer(server.PublicUrl, cluster.Id);
        return (OidcDiscoveryDocument.Create(issuer, JwksUri(server.PublicUrl, cluster.Id), keys), JwksDocument.Create(keys));
    }

    /// <summary>A bearer token for the cluster's admin identity (<c>kube-system/irsa-admin</c>), for kubeconfig files.</summary>
    public Task<(string Token, DateTimeOffset Expiration)> CreateAdminTokenAsync(string accountId, string name, CancellationToken cancellationToken) =>
        KubernetesObjects.IssueAdminTokenAsync(this, store, accountId, name, cancellationToken);

    internal static string Key(string accountId, string name) => accountId + "/" + name;

    private static AwsErrorException NotFound(string name) =>
        new(new AwsError("ResourceNotFoundException", $"No cluster found for name: {name}.", 404));

    private static bool IsPrunable(ClusterKeyRecord key, DateTimeOffset now) =>
        key.RetiredAt is { } retired && retired <= now && (key.LastExpiry is null || key.LastExpiry <= now);

    private static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private ClusterKeyRecord NewKeyRecord(ClusterSigningKey key, DateTimeOffset publishedAt, DateTimeOffset signsFrom) => new()
    {
        KeyId = key.KeyId,
        Algorithm = key.Algorithm.ToString(),
        ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(key.ExportPkcs8PrivateKey(), KeyPurpose)),
        PublishedAt = publishedAt,
        SignsFrom = signsFrom,
    };

    private ClusterSigningKey Load(ClusterKeyRecord record) =>
        _keys.GetOrAdd(record.KeyId, _ => ClusterSigningKey.ImportPkcs8(protector.Unprotect(Convert.FromBase64String(record.ProtectedPrivateKey), KeyPurpose)));

    private sealed record ClusterIdIndex(string AccountId, string Name);
}
