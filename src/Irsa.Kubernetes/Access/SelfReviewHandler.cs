using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using Irsa.Core.Json;

namespace Irsa.Kubernetes;

/// <summary>
/// The reviews a user makes about themself, answered from the same authorizer as every request:
/// <c>SelfSubjectAccessReview</c> (<c>kubectl auth can-i</c>), <c>SelfSubjectRulesReview</c> (<c>can-i --list</c>, RBAC
/// rules only, as on EKS) and <c>SelfSubjectReview</c> (<c>kubectl auth whoami</c>).
/// </summary>
internal sealed class SelfReviewHandler(KubernetesAuthorizer authorizer, RbacAuthorizer rbac)
{
    public Task<KubernetesReply> HandleAsync(KubernetesRequest request) => request.Route.Resource switch
    {
        "selfsubjectaccessreviews" => AccessReviewAsync(request),
        "selfsubjectrulesreviews" => RulesReviewAsync(request),
        _ => WhoAmIAsync(request),
    };

    private static async Task<JsonObject> ReadAsync(KubernetesRequest request, string kind, string apiVersion)
    {
        var json = await request.ReadJsonAsync(kind);
        var declaredKind = Text(json, "kind", kind, kind);
        var declaredVersion = Text(json, "apiVersion", kind, kind);
        if (declaredKind.Length > 0 && declaredKind != kind)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"{declaredKind} in version {GoText.Quote("v1")} cannot be handled as a {kind}: the kind does not match the endpoint"));
        }

        if (declaredVersion.Length > 0 && declaredVersion != apiVersion)
        {
            throw new KubernetesStatusException(KubernetesStatus.BadRequest(
                $"the API version in the data ({declaredVersion}) does not match the expected API version ({apiVersion})"));
        }

        json["kind"] = kind;
        json["apiVersion"] = apiVersion;
        json["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        return json;
    }

    private async Task<KubernetesReply> AccessReviewAsync(KubernetesRequest request)
    {
        var review = await ReadAsync(request, "SelfSubjectAccessReview", ResourceTable.AuthorizationGroup + "/v1");
        var spec = review["spec"] as JsonObject ?? [];
        KubernetesAccessRequest access;
        if (spec["resourceAttributes"] is JsonObject resource)
        {
            string Field(string name) => Text(resource, name, "SelfSubjectAccessReview", "ResourceAttributes.spec.resourceAttributes");
            access = new KubernetesAccessRequest(request.Cluster, request.User, Field("verb"), Field("group"), Field("resource"), Field("subresource"),
                Field("namespace"), Field("name"));
        }
        else if (spec["nonResourceAttributes"] is JsonObject nonResource)
        {
            string Field(string name) => Text(nonResource, name, "SelfSubjectAccessReview", "NonResourceAttributes.spec.nonResourceAttributes");
            access = new KubernetesAccessRequest(request.Cluster, request.User, Field("verb"), "", "", "", "", "", Field("path"));
        }
        else
        {
            throw new KubernetesStatusException(KubernetesStatus.Invalid(ResourceTable.AuthorizationGroup, "SelfSubjectAccessReview", "",
                [new FieldError("spec.resourceAttributes", "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified", "FieldValueInvalid")]));
        }

        var decision = await authorizer.AuthorizeAsync(access, request.Aborted);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        review["status"] = status;
        return KubernetesReply.Json(201, review);
    }

    private async Task<KubernetesReply> RulesReviewAsync(KubernetesRequest request)
    {
        var review = await ReadAsync(request, "SelfSubjectRulesReview", ResourceTable.AuthorizationGroup + "/v1");
        var ns = Text(review["spec"], "namespace", "SelfSubjectRulesReview", "SelfSubjectRulesReviewSpec.spec");
        var rules = await rbac.RulesAsync(request.ClusterId, request.User, ns, request.Aborted);
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in rules)
        {
            if (rule.NonResourceURLs is { Count: > 0 })
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Array(rule.Verbs), ["nonResourceURLs"] = Array(rule.NonResourceURLs) });
            }
            else
            {
                var entry = new JsonObject { ["verbs"] = Array(rule.Verbs), ["apiGroups"] = Array(rule.ApiGroups), ["resources"] = Array(rule.Resources) };
                if (rule.ResourceNames is { Count: > 0 })
                {
                    entry["resourceNames"] = Array(rule.ResourceNames);
                }

                resourceRules.Add(entry);
            }
        }

        review["status"] = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false };
        return KubernetesReply.Json(201, review);
    }

    private static async Task<KubernetesReply> WhoAmIAsync(KubernetesRequest request)
    {
        var review = await ReadAsync(request, "SelfSubjectReview", ResourceTable.AuthenticationGroup + "/v1");
        review["status"] = new JsonObject { ["userInfo"] = KubernetesRequest.ToJson(request.User) };
        return KubernetesReply.Json(201, review);
    }

    private static JsonArray Array(IList<string>? values) => new([.. (values ?? []).Select(v => (JsonNode)v)]);

    /// <summary>
    /// A string field of the review (<paramref name="goStruct"/> names where it sits as encoding/json does), or empty;
    /// another JSON type is the 400 decode error kube-apiserver answers, not a server error.
    /// </summary>
    private static string Text(JsonNode? parent, string name, string kind, string goStruct) => (parent as JsonObject)?[name] switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        var other => throw new KubernetesStatusException(KubernetesStatus.BadRequest(
            $"{kind} in version {GoText.Quote("v1")} cannot be handled as a {kind}: json: cannot unmarshal {GoJsonType.Of(other.GetValueKind())} into Go struct field {goStruct}.{name} of type string")),
    };
}
