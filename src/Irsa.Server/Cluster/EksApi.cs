using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Iam.Accounts;
using Irsa.Policy;
using Irsa.Server.Aws;
using Irsa.Server.Hosting;

namespace Irsa.Server.Cluster;

/// <summary>
/// The EKS REST-JSON subset (<c>CreateCluster</c>, <c>DescribeCluster</c>, <c>ListClusters</c>, <c>DeleteCluster</c>)
/// that <c>aws eks</c> and the SDKs call, plus Irsa's key rotation and admin-token extensions under the same paths.
/// </summary>
public sealed partial class EksApi(ClusterService clusters, ServerContext server, TimeProvider time)
{
    /// <summary>EKS's rows of the operation catalog: route, IAM action, resource, handler.</summary>
    public static IEnumerable<AwsOperation> Rows(EksApi eks, string eventSource)
    {
        ArgumentNullException.ThrowIfNull(eks);
        AwsOperation Row(string name, string method, string template, string action, bool readOnly, Func<AwsCall, Task<AwsResult>> handler) =>
            RestRow(name, method, template, readOnly, eventSource, eks.ResolveTargetAsync, handler, action);

        return
        [
            Row("CreateCluster", "POST", "clusters", "eks:CreateCluster", false, eks.CreateAsync),
            Row("ListClusters", "GET", "clusters", "eks:ListClusters", true, eks.ListAsync),
            Row("DescribeCluster", "GET", "clusters/{name}", "eks:DescribeCluster", true, eks.DescribeAsync),
            Row("DeleteCluster", "DELETE", "clusters/{name}", "eks:DeleteCluster", false, eks.DeleteAsync),
            Row("UpdateClusterConfig", "POST", "clusters/{name}/update-config", "eks:UpdateClusterConfig", false, eks.UpdateConfigAsync),
            Row("RotateKeys", "POST", "clusters/{name}/rotate-keys", "eks:UpdateClusterConfig", false, eks.RotateKeysAsync),
            Row("CreateAdminToken", "POST", "clusters/{name}/admin-token", "eks:AccessKubernetesApi", false, eks.CreateAdminTokenAsync),
            .. eks.PodIdentityRows(eventSource),
        ];
    }

    /// <summary>One EKS REST-JSON row: the IAM action is <c>eks:NAME</c> unless <paramref name="action"/> names another.</summary>
    internal static AwsOperation RestRow(string name, string method, string template, bool readOnly, string eventSource,
        Func<AwsCall, Task<AwsTarget>> resolveTarget, Func<AwsCall, Task<AwsResult>> handler, string? action = null) => new()
        {
            Service = "eks",
            Name = name,
            IamAction = action ?? "eks:" + name,
            Dialect = AwsErrorDialect.RestJson,
            ReadOnly = readOnly,
            EventSource = eventSource,
            Route = new RestRoute(method, template),
            ResolveTarget = resolveTarget,
            Handler = handler,
        };

    /// <summary>
    /// The cluster's own ARN (for <c>CreateCluster</c>, the ARN of the cluster being created) with <c>aws:ResourceTag/*</c>
    /// from the stored cluster and, for <c>CreateCluster</c>, <c>aws:RequestTag/*</c> and <c>aws:TagKeys</c>.
    /// </summary>
    private async Task<AwsTarget> ResolveTargetAsync(AwsCall call)
    {
        var accountId = call.RequiredCaller.AccountId;
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        string? name;
        if (call.Operation.Name == "CreateCluster")
        {
            var body = TryParseObject(call.Request.Body);
            name = TryGetString(body?["name"]);
            if (body?["tags"] is JsonObject tags)
            {
                var tagKeys = new List<string>();
                foreach (var (key, tagValue) in tags)
                {
                    tagKeys.Add(key);
                    if (TryGetString(tagValue) is { } tagText)
                    {
                        keys["aws:RequestTag/" + key] = new ContextValue(ContextKeyType.String, [tagText], false);
                    }
                }

                keys["aws:TagKeys"] = new ContextValue(ContextKeyType.String, tagKeys, true);
            }
        }
        else if (call.PathValues.TryGetValue("name", out name) && await clusters.FindAsync(accountId, name, call.CancellationToken) is { } cluster)
        {
            foreach (var (key, value) in cluster.Tags)
            {
                keys["aws:ResourceTag/" + key] = new ContextValue(ContextKeyType.String, [value], false);
            }
        }

        return name is null
            ? new AwsTarget(call.Operation.Name == "CreateCluster" ? ClusterArn(accountId, "*") : "*", keys)
            : new AwsTarget(ClusterArn(accountId, name), keys);
    }

    private string ClusterArn(string accountId, string name) => $"arn:aws:eks:{server.Region}:{accountId}:cluster/{name}";

    private async Task<AwsResult> CreateAsync(AwsCall call)
    {
        var caller = call.RequiredCaller;
        var cluster = await clusters.CreateAsync(caller.AccountId, ParseCreate(call.Request.Body), IamIdentityArn(caller),
            caller.PrincipalType == PrincipalType.AssumedRole ? caller.EntityId : null, call.CancellationToken);
        return ClusterResult(cluster, "ACTIVE", recordResponse: true);
    }

    private async Task<AwsResult> DescribeAsync(AwsCall call) =>
        ClusterResult(await clusters.DescribeAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.CancellationToken), "ACTIVE", recordResponse: false);

    private async Task<AwsResult> DeleteAsync(AwsCall call) =>
        ClusterResult(await clusters.DeleteAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.CancellationToken), "DELETING", recordResponse: true);

    /// <summary>
    /// <c>UpdateClusterConfig</c> for <c>accessConfig.authenticationMode</c>, EKS's one-way change (CONFIG_MAP →
    /// API_AND_CONFIG_MAP → API), applied at once: the update is answered <c>Successful</c>.
    /// </summary>
    private async Task<AwsResult> UpdateConfigAsync(AwsCall call)
    {
        var json = TryParseObject(call.Request.Body) ?? throw new AwsErrorException(Serialization("Could not parse the request body as a JSON object"));
        var mode = Object(json, "accessConfig") is { } access ? String(access, "authenticationMode") : null;
        if (mode is null)
        {
            throw new AwsErrorException(InvalidParameter("Irsa updates only accessConfig.authenticationMode of a cluster."));
        }

        var cluster = await clusters.SetAuthenticationModeAsync(call.RequiredCaller.AccountId, call.PathValues["name"], mode, call.CancellationToken);
        var body = new JsonObject
        {
            ["update"] = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"),
                ["status"] = "Successful",
                ["type"] = "AccessConfigUpdate",
                ["params"] = new JsonArray(new JsonObject { ["type"] = "AuthenticationMode", ["value"] = cluster.EffectiveAuthenticationMode }),
                ["createdAt"] = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
                ["errors"] = new JsonArray(),
            },
        };
        return new AwsResult(Json(body).Reply!) { ResponseElements = (JsonObject)body.DeepClone() };
    }

    private async Task<AwsResult> RotateKeysAsync(AwsCall call) =>
        ClusterResult(await clusters.RotateKeysAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.CancellationToken), "ACTIVE", recordResponse: true);

    /// <summary>
    /// Cluster-admin is given deliberately, never by a permission a read-only policy grants: beyond
    /// <c>eks:AccessKubernetesApi</c> on the cluster, the caller must be the identity that created it (or, for a cluster
    /// stored without one, the account's bootstrap admin user).
    /// </summary>
    private async Task<AwsResult> CreateAdminTokenAsync(AwsCall call)
    {
        var caller = call.RequiredCaller;
        var name = call.PathValues["name"];
        var cluster = await clusters.DescribeAsync(caller.AccountId, name, call.CancellationToken);
        var isAdmin = cluster.BootstrapClusterCreatorArn is { } creator
            ? string.Equals(creator, IamIdentityArn(caller), StringComparison.Ordinal)
            : caller.PrincipalType == PrincipalType.User && caller.EntityName == IamBootstrap.AdminUserName;
        if (!isAdmin)
        {
            return AwsResult.Fail(
                new AwsError("AccessDeniedException", $"User: {caller.PrincipalArn} is not the creator of cluster {cluster.Name} and may not obtain its admin token.", 403),
                Core.Audit.Explanation.Of("NotClusterCreator", "Only the identity that created the cluster is its cluster-admin.",
                    "creator: " + (cluster.BootstrapClusterCreatorArn ?? "(none recorded: the bootstrap admin user)"), "caller: " + IamIdentityArn(caller)));
        }

        var token = await clusters.CreateAdminTokenAsync(caller.AccountId, name, call.CancellationToken);
        return Json(new JsonObject
        {
            ["token"] = token.Token,
            ["expirationTimestamp"] = token.Expiration.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The IAM identity of a caller as EKS maps it: an assumed-role session is its role.</summary>
    private static string IamIdentityArn(CallerIdentity caller) =>
        caller.PrincipalType == PrincipalType.AssumedRole && caller.Session is { RoleArn.Length: > 0 } session ? session.RoleArn : caller.PrincipalArn;

    internal static JsonObject? TryParseObject(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CreateClusterRequest ParseCreate(byte[] body)
    {
        var json = TryParseObject(body) ?? throw new AwsErrorException(Serialization("Could not parse the request body as a JSON object"));
        var name = String(json, "name");
        var roleArn = String(json, "roleArn");
        var vpc = Object(json, "resourcesVpcConfig");
        if (name is null || roleArn is null || vpc is null)
        {
            var missing = name is null ? "name" : roleArn is null ? "roleArn" : "resourcesVpcConfig";
            throw new AwsErrorException(InvalidParameter($"Missing required parameter: {missing}"));
        }

        if (!ClusterNamePattern().IsMatch(name) || name.Length > 100)
        {
            throw new AwsErrorException(InvalidParameter("The cluster name must start with an alphanumeric character and contain only alphanumerics, hyphens and underscores (1-100 characters)."));
        }

        if (!Arn.TryParse(roleArn, out var role) || role.Service != "iam" || !role.Resource.StartsWith("role/", StringComparison.Ordinal))
        {
            throw new AwsErrorException(InvalidParameter($"Role ARN {roleArn} is not a valid IAM role ARN."));
        }

        var tags = Object(json, "tags")?.ToDictionary(kv => kv.Key, kv => Text(kv.Value, "tags") ?? string.Empty, StringComparer.Ordinal) ?? [];
        var access = Object(json, "accessConfig");
        var mode = access is null ? null : String(access, "authenticationMode");
        var bootstrap = (access is null ? null : Boolean(access, "bootstrapClusterCreatorAdminPermissions")) ?? true;
        if (mode is not (null or AccessEntries.ConfigMapMode or AccessEntries.ApiAndConfigMapMode or AccessEntries.ApiMode))
        {
            throw new AwsErrorException(InvalidParameter($"The authentication mode {mode} is invalid. Valid modes are: API, API_AND_CONFIG_MAP, CONFIG_MAP."));
        }

        if (!bootstrap && mode is null or AccessEntries.ConfigMapMode)
        {
            throw new AwsErrorException(InvalidParameter("bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP"));
        }

        return new CreateClusterRequest(name, String(json, "version"), roleArn, new VpcConfig
        {
            SubnetIds = Strings(vpc, "subnetIds") ?? [],
            SecurityGroupIds = Strings(vpc, "securityGroupIds") ?? [],
            EndpointPublicAccess = Boolean(vpc, "endpointPublicAccess") ?? true,
            EndpointPrivateAccess = Boolean(vpc, "endpointPrivateAccess") ?? false,
            PublicAccessCidrs = Strings(vpc, "publicAccessCidrs") ?? ["0.0.0.0/0"],
        }, tags, String(json, "clientRequestToken"))
        {
            AuthenticationMode = mode ?? AccessEntries.ConfigMapMode,
            BootstrapClusterCreatorAdminPermissions = bootstrap,
        };
    }

    /// <summary>A member of the wrong JSON type is a <c>SerializationException</c> (400), as REST-JSON services answer.</summary>
    internal static AwsError Serialization(string message) => new("SerializationException", message, 400);

    internal static string? Text(JsonNode? node, string member) => node is null ? null
        : TryGetString(node) ?? throw new AwsErrorException(Serialization($"Unexpected value type for member {member}: a string is expected"));

    /// <summary>A JSON string's text; <c>null</c> for other kinds and for escapes that are no valid UTF-16 (a lone <c>\ud800</c>).</summary>
    internal static string? TryGetString(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    internal static string? String(JsonObject json, string name) => Text(json[name], name);

    internal static bool? Boolean(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw new AwsErrorException(Serialization($"Unexpected value type for member {name}: a boolean is expected")),
    };

    internal static JsonObject? Object(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonObject value => value,
        _ => throw new AwsErrorException(Serialization($"Unexpected value type for member {name}: an object is expected")),
    };

    internal static List<string>? Strings(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonArray array => [.. array.Select(v => Text(v, name) ?? string.Empty)],
        _ => throw new AwsErrorException(Serialization($"Unexpected value type for member {name}: a list is expected")),
    };

    internal static AwsError InvalidParameter(string message) => new("InvalidParameterException", message, 400);

    private async Task<AwsResult> ListAsync(AwsCall call)
    {
        var query = call.Request.Query;
        var maxText = query.Get("maxResults") ?? string.Empty;
        var max = 100;
        if (maxText.Length > 0 && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > 100))
        {
            throw new AwsErrorException(InvalidParameter("maxResults must be between 1 and 100"));
        }

        var after = query.Get("nextToken") ?? string.Empty;
        var page = await clusters.ListAsync(call.RequiredCaller.AccountId, after.Length == 0 ? null : after, max, call.CancellationToken);
        return Json(new JsonObject
        {
            ["clusters"] = new JsonArray([.. page.Names.Select(n => JsonValue.Create(n))]),
            ["nextToken"] = page.NextToken,
        });
    }

    private AwsResult ClusterResult(ClusterRecord cluster, string status, bool recordResponse)
    {
        var body = new JsonObject { ["cluster"] = ToJson(cluster, status) };
        var result = Json(body);
        return recordResponse ? new AwsResult(result.Reply!) { ResponseElements = (JsonObject)body.DeepClone() } : result;
    }

    /// <summary>The EKS <c>Cluster</c> shape; <c>createdAt</c> is epoch seconds, as REST-JSON timestamps are.</summary>
    private JsonObject ToJson(ClusterRecord cluster, string status) => new()
    {
        ["name"] = cluster.Name,
        ["arn"] = cluster.Arn,
        ["createdAt"] = cluster.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
        ["version"] = cluster.Version,
        ["endpoint"] = ClusterService.KubernetesEndpoint(server.KubernetesUrl, cluster.Id),
        ["roleArn"] = cluster.RoleArn,
        ["resourcesVpcConfig"] = new JsonObject
        {
            ["subnetIds"] = new JsonArray([.. cluster.ResourcesVpcConfig.SubnetIds.Select(s => JsonValue.Create(s))]),
            ["securityGroupIds"] = new JsonArray([.. cluster.ResourcesVpcConfig.SecurityGroupIds.Select(s => JsonValue.Create(s))]),
            ["endpointPublicAccess"] = cluster.ResourcesVpcConfig.EndpointPublicAccess,
            ["endpointPrivateAccess"] = cluster.ResourcesVpcConfig.EndpointPrivateAccess,
            ["publicAccessCidrs"] = new JsonArray([.. cluster.ResourcesVpcConfig.PublicAccessCidrs.Select(s => JsonValue.Create(s))]),
        },
        ["accessConfig"] = new JsonObject { ["authenticationMode"] = cluster.EffectiveAuthenticationMode },
        ["kubernetesNetworkConfig"] = new JsonObject { ["serviceIpv4Cidr"] = "10.100.0.0/16", ["ipFamily"] = "ipv4" },
        ["identity"] = new JsonObject { ["oidc"] = new JsonObject { ["issuer"] = ClusterService.Issuer(server.PublicUrl, cluster.Id) } },
        ["status"] = status,
        ["certificateAuthority"] = new JsonObject { ["data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(server.CertificateAuthorityPem)) },
        ["clientRequestToken"] = cluster.ClientRequestToken,
        ["platformVersion"] = "irsa.1",
        ["tags"] = new JsonObject([.. cluster.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
        ["id"] = cluster.Id,
    };

    internal static AwsResult Json(JsonObject body) =>
        AwsResult.Ok(new AwsReply(200, "application/json", System.Text.Encoding.UTF8.GetBytes(body.ToJsonString())));

    [GeneratedRegex("^[0-9A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex ClusterNamePattern();
}

/// <summary>A parsed <c>CreateCluster</c> request.</summary>
public sealed record CreateClusterRequest(string Name, string? Version, string RoleArn, VpcConfig ResourcesVpcConfig,
    Dictionary<string, string> Tags, string? ClientRequestToken)
{
    /// <summary><c>accessConfig.authenticationMode</c>; EKS's API default is <c>CONFIG_MAP</c>.</summary>
    public string AuthenticationMode { get; init; } = AccessEntries.ConfigMapMode;

    /// <summary><c>accessConfig.bootstrapClusterCreatorAdminPermissions</c>: the creator gets a cluster-admin access entry.</summary>
    public bool BootstrapClusterCreatorAdminPermissions { get; init; } = true;
}
