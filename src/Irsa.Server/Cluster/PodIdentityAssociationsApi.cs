using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Core.Aws;
using Irsa.Policy;
using Irsa.Server.Aws;

namespace Irsa.Server.Cluster;

/// <summary>EKS's pod identity association operations (<c>/clusters/{name}/pod-identity-associations</c>).</summary>
public sealed partial class EksApi
{
    /// <summary>The associations behind the pod identity rows; without them, the rows are not served.</summary>
    public PodIdentityAssociations? PodIdentity { get; init; }

    private IEnumerable<AwsOperation> PodIdentityRows(string eventSource)
    {
        if (PodIdentity is not { } associations)
        {
            return [];
        }

        AwsOperation Row(string name, string method, string template, bool readOnly, Func<AwsCall, Task<AwsResult>> handler) =>
            EksApi.RestRow(name, method, template, readOnly, eventSource, ResolveAssociationTargetAsync, handler);

        const string Collection = "clusters/{name}/pod-identity-associations";
        const string One = Collection + "/{associationId}";
        return
        [
            Row("CreatePodIdentityAssociation", "POST", Collection, false, call => CreateAssociationAsync(call, associations)),
            Row("ListPodIdentityAssociations", "GET", Collection, true, call => ListAssociationsAsync(call, associations)),
            Row("DescribePodIdentityAssociation", "GET", One, true, async call => AssociationResult(
                await associations.DescribeAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.PathValues["associationId"], call.CancellationToken), false)),
            Row("UpdatePodIdentityAssociation", "POST", One, false, call => UpdateAssociationAsync(call, associations)),
            Row("DeletePodIdentityAssociation", "DELETE", One, false, async call => AssociationResult(
                await associations.DeleteAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.PathValues["associationId"], call.CancellationToken), true)),
        ];
    }

    /// <summary>Create and List act on the cluster (with <c>aws:RequestTag/*</c> for Create); the others on the association's ARN.</summary>
    private Task<AwsTarget> ResolveAssociationTargetAsync(AwsCall call)
    {
        var accountId = call.RequiredCaller.AccountId;
        var cluster = call.PathValues["name"];
        if (call.PathValues.TryGetValue("associationId", out var id))
        {
            return Task.FromResult(new AwsTarget($"arn:aws:eks:{server.Region}:{accountId}:podidentityassociation/{cluster}/{id}",
                new Dictionary<string, ContextValue>()));
        }

        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        if (call.Operation.Name == "CreatePodIdentityAssociation" && TryParseObject(call.Request.Body)?["tags"] is JsonObject tags)
        {
            foreach (var (key, value) in tags)
            {
                if (TryGetString(value) is { } text)
                {
                    keys["aws:RequestTag/" + key] = new ContextValue(ContextKeyType.String, [text], false);
                }
            }

            keys["aws:TagKeys"] = new ContextValue(ContextKeyType.String, [.. tags.Select(t => t.Key)], true);
        }

        return Task.FromResult(new AwsTarget(ClusterArn(accountId, cluster), keys));
    }

    private static async Task<AwsResult> CreateAssociationAsync(AwsCall call, PodIdentityAssociations associations)
    {
        var json = TryParseObject(call.Request.Body) ?? throw new AwsErrorException(Serialization("Could not parse the request body as a JSON object"));
        var ns = String(json, "namespace");
        var sa = String(json, "serviceAccount");
        var roleArn = String(json, "roleArn");
        if (ns is null || sa is null || roleArn is null)
        {
            throw new AwsErrorException(InvalidParameter($"Missing required parameter: {(ns is null ? "namespace" : sa is null ? "serviceAccount" : "roleArn")}"));
        }

        var tags = Object(json, "tags")?.ToDictionary(kv => kv.Key, kv => Text(kv.Value, "tags") ?? string.Empty, StringComparer.Ordinal) ?? [];
        if (tags.Count > 50 || tags.Any(t => t.Key.Length is 0 or > 128 || t.Value.Length > 256))
        {
            throw new AwsErrorException(InvalidParameter("Tags must number at most 50, with keys of 1 to 128 and values of at most 256 characters."));
        }

        var request = new CreatePodIdentityAssociationRequest(ns, sa, roleArn, String(json, "targetRoleArn"), Boolean(json, "disableSessionTags"),
            String(json, "policy"), tags);
        if (await PassRoleDeniedAsync(call, roleArn) is { } denied)
        {
            return denied;
        }

        return AssociationResult(await associations.CreateAsync(call.RequiredCaller.AccountId, call.PathValues["name"], request, call.CancellationToken), true);
    }

    private static async Task<AwsResult> UpdateAssociationAsync(AwsCall call, PodIdentityAssociations associations)
    {
        var json = TryParseObject(call.Request.Body) ?? throw new AwsErrorException(Serialization("Could not parse the request body as a JSON object"));
        var request = new UpdatePodIdentityAssociationRequest(String(json, "roleArn"), String(json, "targetRoleArn"), Boolean(json, "disableSessionTags"),
            String(json, "policy"));
        if (request.RoleArn is { } roleArn && await PassRoleDeniedAsync(call, roleArn) is { } denied)
        {
            return denied;
        }

        return AssociationResult(await associations.UpdateAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.PathValues["associationId"],
            request, call.CancellationToken), true);
    }

    /// <summary>Handing a role to EKS Pod Identity is passing it: the caller needs <c>iam:PassRole</c> on it, as EKS requires.</summary>
    private static async Task<AwsResult?> PassRoleDeniedAsync(AwsCall call, string roleArn)
    {
        var decision = await call.AuthorizeAsync(new AwsTarget(roleArn, new Dictionary<string, ContextValue>()), "iam:PassRole", call.CancellationToken);
        return decision.Allowed ? null : AwsResult.Fail(decision.Denied!, decision.Explanation);
    }

    private static async Task<AwsResult> ListAssociationsAsync(AwsCall call, PodIdentityAssociations associations)
    {
        var query = call.Request.Query;
        var maxText = query.Get("maxResults") ?? string.Empty;
        var max = 100;
        if (maxText.Length > 0 && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > 100))
        {
            throw new AwsErrorException(InvalidParameter("maxResults must be between 1 and 100"));
        }

        var after = query.Get("nextToken") is { Length: > 0 } token ? token : null;
        var (page, next) = await associations.ListAsync(call.RequiredCaller.AccountId, call.PathValues["name"], query.Get("namespace"),
            query.Get("serviceAccount"), max, after, call.CancellationToken);

        // Summaries carry no role: listing reveals which service accounts are associated, not with what.
        return Json(new JsonObject
        {
            ["associations"] = new JsonArray([.. page.Select(a => (JsonNode)new JsonObject
            {
                ["clusterName"] = a.ClusterName,
                ["namespace"] = a.Namespace,
                ["serviceAccount"] = a.ServiceAccount,
                ["associationArn"] = a.Arn,
                ["associationId"] = a.AssociationId,
            })]),
            ["nextToken"] = next,
        });
    }

    private static AwsResult AssociationResult(PodIdentityAssociationRecord association, bool recordResponse)
    {
        var body = new JsonObject { ["association"] = ToJson(association) };
        var result = Json(body);
        return recordResponse ? new AwsResult(result.Reply!) { ResponseElements = (JsonObject)body.DeepClone() } : result;
    }

    /// <summary>EKS's <c>PodIdentityAssociation</c> shape; the target role's members appear only when one is set.</summary>
    private static JsonObject ToJson(PodIdentityAssociationRecord a)
    {
        var json = new JsonObject
        {
            ["clusterName"] = a.ClusterName,
            ["namespace"] = a.Namespace,
            ["serviceAccount"] = a.ServiceAccount,
            ["roleArn"] = a.RoleArn,
            ["associationArn"] = a.Arn,
            ["associationId"] = a.AssociationId,
            ["tags"] = new JsonObject([.. a.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
            ["createdAt"] = a.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["modifiedAt"] = a.ModifiedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["disableSessionTags"] = a.DisableSessionTags,
        };
        if (a.TargetRoleArn is not null)
        {
            json["targetRoleArn"] = a.TargetRoleArn;
            json["externalId"] = a.ExternalId;
        }

        if (a.Policy is not null)
        {
            json["policy"] = a.Policy;
        }

        return json;
    }
}
