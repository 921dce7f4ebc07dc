using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Server.Hosting;
using Irsa.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Irsa.Server.Cluster;

/// <summary>
/// The EKS REST-JSON subset (<c>CreateCluster</c>, <c>DescribeCluster</c>, <c>ListClusters</c>, <c>DeleteCluster</c>)
/// that <c>aws eks</c> and the SDKs call, plus Irsa's key rotation and admin-token extensions under the same paths.
/// </summary>
public sealed partial class EksApi(ClusterService clusters, ServerContext server)
{
    /// <summary>Handles an authenticated and authorized EKS request; <paramref name="operation"/> comes from <see cref="Resolve"/>.</summary>
    public async Task HandleAsync(HttpContext context, EksOperation operation, CallerAccount caller, byte[] body)
    {
        try
        {
            switch (operation.Name)
            {
                case "CreateCluster":
                    await WriteClusterAsync(context, await clusters.CreateAsync(caller.AccountId, ParseCreate(body), context.RequestAborted));
                    break;
                case "DescribeCluster":
                    await WriteClusterAsync(context, await clusters.DescribeAsync(caller.AccountId, operation.ClusterName!, context.RequestAborted));
                    break;
                case "DeleteCluster":
                    await WriteClusterAsync(context, await clusters.DeleteAsync(caller.AccountId, operation.ClusterName!, context.RequestAborted), "DELETING");
                    break;
                case "ListClusters":
                    await ListAsync(context, caller);
                    break;
                case "RotateKeys":
                    await WriteClusterAsync(context, await clusters.RotateKeysAsync(caller.AccountId, operation.ClusterName!, context.RequestAborted));
                    break;
                case "CreateAdminToken":
                    var token = await clusters.CreateAdminTokenAsync(caller.AccountId, operation.ClusterName!, context.RequestAborted);
                    await WriteJsonAsync(context, new JsonObject { ["token"] = token.Token, ["expirationTimestamp"] = token.Expiration.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) });
                    break;
                default:
                    throw new AwsErrorException(new AwsError("ResourceNotFoundException", "No such operation", 404));
            }
        }
        catch (AwsErrorException error)
        {
            await AwsResponses.WriteJsonErrorAsync(context, error.Error);
        }
    }

    /// <summary>Maps method + path to an operation and the IAM action that authorizes it; null when the path is not EKS's.</summary>
    public static EksOperation? Resolve(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        return (method, segments) switch
        {
            ("POST", ["clusters"]) => new("CreateCluster", null, "eks:CreateCluster"),
            ("GET", ["clusters"]) => new("ListClusters", null, "eks:ListClusters"),
            ("GET", ["clusters", var name]) => new("DescribeCluster", Uri.UnescapeDataString(name), "eks:DescribeCluster"),
            ("DELETE", ["clusters", var name]) => new("DeleteCluster", Uri.UnescapeDataString(name), "eks:DeleteCluster"),
            ("POST", ["clusters", var name, "rotate-keys"]) => new("RotateKeys", Uri.UnescapeDataString(name), "eks:UpdateClusterConfig"),
            ("POST", ["clusters", var name, "admin-token"]) => new("CreateAdminToken", Uri.UnescapeDataString(name), "eks:AccessKubernetesApi"),
            _ => null,
        };
    }

    private static CreateClusterRequest ParseCreate(byte[] body)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new AwsErrorException(new AwsError("SerializationException", "Could not parse the request body as a JSON object", 400));
        }

        var name = String(json, "name");
        var roleArn = String(json, "roleArn");
        if (name is null || roleArn is null || json["resourcesVpcConfig"] is not JsonObject vpc)
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

        var tags = json["tags"] is JsonObject tagObject
            ? tagObject.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : [];
        return new CreateClusterRequest(name, String(json, "version"), roleArn, new VpcConfig
        {
            SubnetIds = Strings(vpc, "subnetIds"),
            SecurityGroupIds = Strings(vpc, "securityGroupIds"),
            EndpointPublicAccess = vpc["endpointPublicAccess"]?.GetValue<bool>() ?? true,
            EndpointPrivateAccess = vpc["endpointPrivateAccess"]?.GetValue<bool>() ?? false,
            PublicAccessCidrs = vpc["publicAccessCidrs"] is JsonArray ? Strings(vpc, "publicAccessCidrs") : ["0.0.0.0/0"],
        }, tags, String(json, "clientRequestToken"));
    }

    private static AwsError InvalidParameter(string message) => new("InvalidParameterException", message, 400);

    private static string? String(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<string> Strings(JsonObject json, string name) =>
        json[name] is JsonArray array ? [.. array.Select(v => v?.GetValue<string>() ?? "")] : [];

    private async Task ListAsync(HttpContext context, CallerAccount caller)
    {
        var maxText = context.Request.Query["maxResults"].ToString();
        var max = 100;
        if (maxText.Length > 0 && (!int.TryParse(maxText, out max) || max < 1 || max > 100))
        {
            throw new AwsErrorException(InvalidParameter("maxResults must be between 1 and 100"));
        }

        var after = context.Request.Query["nextToken"].ToString();
        var page = await clusters.ListAsync(caller.AccountId, after.Length == 0 ? null : after, max, context.RequestAborted);
        await WriteJsonAsync(context, new JsonObject
        {
            ["clusters"] = new JsonArray([.. page.Names.Select(n => JsonValue.Create(n))]),
            ["nextToken"] = page.NextToken,
        });
    }

    private Task WriteClusterAsync(HttpContext context, ClusterRecord cluster, string status = "ACTIVE") =>
        WriteJsonAsync(context, new JsonObject { ["cluster"] = ToJson(cluster, status) });

    /// <summary>The EKS <c>Cluster</c> shape; <c>createdAt</c> is epoch seconds, as REST-JSON timestamps are.</summary>
    private JsonObject ToJson(ClusterRecord cluster, string status) => new()
    {
        ["name"] = cluster.Name,
        ["arn"] = cluster.Arn,
        ["createdAt"] = cluster.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
        ["version"] = cluster.Version,
        ["endpoint"] = ClusterService.KubernetesEndpoint(server.PublicUrl, cluster.Id),
        ["roleArn"] = cluster.RoleArn,
        ["resourcesVpcConfig"] = new JsonObject
        {
            ["subnetIds"] = new JsonArray([.. cluster.ResourcesVpcConfig.SubnetIds.Select(s => JsonValue.Create(s))]),
            ["securityGroupIds"] = new JsonArray([.. cluster.ResourcesVpcConfig.SecurityGroupIds.Select(s => JsonValue.Create(s))]),
            ["endpointPublicAccess"] = cluster.ResourcesVpcConfig.EndpointPublicAccess,
            ["endpointPrivateAccess"] = cluster.ResourcesVpcConfig.EndpointPrivateAccess,
            ["publicAccessCidrs"] = new JsonArray([.. cluster.ResourcesVpcConfig.PublicAccessCidrs.Select(s => JsonValue.Create(s))]),
        },
        ["kubernetesNetworkConfig"] = new JsonObject { ["serviceIpv4Cidr"] = "10.100.0.0/16", ["ipFamily"] = "ipv4" },
        ["identity"] = new JsonObject { ["oidc"] = new JsonObject { ["issuer"] = ClusterService.Issuer(server.PublicUrl, cluster.Id) } },
        ["status"] = status,
        ["certificateAuthority"] = new JsonObject { ["data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(server.CertificateAuthorityPem)) },
        ["clientRequestToken"] = cluster.ClientRequestToken,
        ["platformVersion"] = "irsa.1",
        ["tags"] = new JsonObject([.. cluster.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
        ["id"] = cluster.Id,
    };

    private static async Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-RequestId"] = RequestIds.Get(context);
        await context.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex("^[0-9A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex ClusterNamePattern();
}

/// <summary>An EKS operation resolved from the REST path, with the IAM action that authorizes it.</summary>
public sealed record EksOperation(string Name, string? ClusterName, string IamAction);

/// <summary>The part of an authenticated caller EKS needs: whose clusters it sees.</summary>
public sealed record CallerAccount(string AccountId);

/// <summary>A parsed <c>CreateCluster</c> request.</summary>
public sealed record CreateClusterRequest(string Name, string? Version, string RoleArn, VpcConfig ResourcesVpcConfig,
    Dictionary<string, string> Tags, string? ClientRequestToken);
