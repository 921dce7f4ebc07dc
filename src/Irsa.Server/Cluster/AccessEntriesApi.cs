using System.Globalization;
using System.Text.Json.Nodes;
using Irsa.Core.Aws;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Server.Aws;
using Irsa.Server.Hosting;
using Irsa.Storage;

namespace Irsa.Server.Cluster;

/// <summary>
/// EKS access entries (<c>/clusters/{name}/access-entries</c>) and the AWS-managed access policies: which IAM principals
/// may use a cluster's Kubernetes API, as which Kubernetes user and groups, with which policies at which scope.
/// </summary>
public sealed class AccessEntriesApi(ClusterService clusters, IDocumentStore store, IamQueries iam, ServerContext server, TimeProvider time)
{
    private static readonly HashSet<string> Types =
        ["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2", "HYPERPOD_LINUX"];

    private static readonly string[] ReservedUsernamePrefixes = ["system:", "eks:", "aws:", "amazon:", "iam:"];

    /// <summary>The access-entry rows of the operation catalog.</summary>
    public static IEnumerable<AwsOperation> Rows(AccessEntriesApi api, string eventSource)
    {
        ArgumentNullException.ThrowIfNull(api);
        AwsOperation Row(string name, string method, string template, bool readOnly, Func<AwsCall, Task<AwsResult>> handler) =>
            EksApi.RestRow(name, method, template, readOnly, eventSource, api.ResolveTargetAsync, handler);

        const string Entries = "clusters/{name}/access-entries";
        const string Entry = Entries + "/{principalArn}";
        return
        [
            Row("CreateAccessEntry", "POST", Entries, false, api.CreateAsync),
            Row("ListAccessEntries", "GET", Entries, true, api.ListAsync),
            Row("DescribeAccessEntry", "GET", Entry, true, api.DescribeAsync),
            Row("UpdateAccessEntry", "POST", Entry, false, api.UpdateAsync),
            Row("DeleteAccessEntry", "DELETE", Entry, false, api.DeleteAsync),
            Row("AssociateAccessPolicy", "POST", Entry + "/access-policies", false, api.AssociateAsync),
            Row("ListAssociatedAccessPolicies", "GET", Entry + "/access-policies", true, api.ListAssociatedAsync),
            Row("DisassociateAccessPolicy", "DELETE", Entry + "/access-policies/{policyArn}", false, api.DisassociateAsync),
            Row("ListAccessPolicies", "GET", "access-policies", true, api.ListPoliciesAsync),
        ];
    }

    /// <summary>
    /// What AWS authorizes each call against: the cluster for create and list, the access entry for the others (its ARN
    /// once it exists), nothing for ListAccessPolicies; AssociateAccessPolicy adds <c>eks:policyArn</c>,
    /// <c>eks:accessScope</c> and <c>eks:namespaces</c>.
    /// </summary>
    private async Task<AwsTarget> ResolveTargetAsync(AwsCall call)
    {
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        if (!call.PathValues.TryGetValue("name", out var name))
        {
            return AwsTarget.Any;
        }

        var accountId = call.RequiredCaller.AccountId;
        var clusterArn = $"arn:aws:eks:{server.Region}:{accountId}:cluster/{name}";
        if (!call.PathValues.TryGetValue("principalArn", out var principal))
        {
            return new AwsTarget(clusterArn, keys);
        }

        if (call.Operation.Name == "AssociateAccessPolicy" && EksApi.TryParseObject(call.Request.Body) is { } body)
        {
            if (EksApi.TryGetString(body["policyArn"]) is { } policyArn)
            {
                keys["eks:policyArn"] = new ContextValue(ContextKeyType.Arn, [policyArn], false);
            }

            if (body["accessScope"] is JsonObject scope)
            {
                if (EksApi.TryGetString(scope["type"]) is { } type)
                {
                    keys["eks:accessScope"] = new ContextValue(ContextKeyType.String, [type], false);
                }

                if (scope["namespaces"] is JsonArray namespaces)
                {
                    keys["eks:namespaces"] = new ContextValue(ContextKeyType.String, [.. namespaces.Select(EksApi.TryGetString).OfType<string>()], true);
                }
            }
        }

        var cluster = await clusters.FindAsync(accountId, name, call.CancellationToken);
        var canonical = AccessEntries.CanonicalArn(principal);
        if (cluster is null || canonical is null)
        {
            return new AwsTarget(clusterArn, keys);
        }

        var entry = await AccessEntries.FindAsync(store, cluster.Id, canonical, call.CancellationToken);
        return new AwsTarget(entry?.AccessEntryArn ?? AccessEntries.EntryArnPrefix(cluster, canonical) + "/*", keys);
    }

    private async Task<AwsResult> CreateAsync(AwsCall call)
    {
        var cluster = await EnabledClusterAsync(call);
        var body = EksApi.TryParseObject(call.Request.Body) ?? throw new AwsErrorException(EksApi.Serialization("Could not parse the request body as a JSON object"));
        var principalArn = EksApi.String(body, "principalArn") ?? throw new AwsErrorException(EksApi.InvalidParameter("Missing required parameter: principalArn"));
        var canonical = ValidPrincipal(principalArn);
        var type = EksApi.String(body, "type") ?? "STANDARD";
        if (!Types.Contains(type))
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The access entry type {type} is invalid. Valid types are: {string.Join(", ", Types)}."));
        }

        var groups = EksApi.Strings(body, "kubernetesGroups") ?? [];
        var username = EksApi.String(body, "username");
        if (type != "STANDARD")
        {
            if (!canonical.Contains(":role/", StringComparison.Ordinal) || !canonical.Contains($":{cluster.AccountId}:", StringComparison.Ordinal))
            {
                throw new AwsErrorException(EksApi.InvalidParameter($"The principalArn of an access entry of type {type} must be an IAM role of the cluster's account."));
            }

            if (groups.Count > 0 || username is not null)
            {
                throw new AwsErrorException(EksApi.InvalidParameter($"kubernetesGroups and username cannot be specified for an access entry of type {type}."));
            }

            username = type == "FARGATE_LINUX" ? "system:node:{{SessionName}}" : "system:node:{{EC2PrivateDNSName}}";
        }
        else
        {
            ValidateGroups(groups);
            if (username is not null)
            {
                ValidateUsername(username);
            }
        }

        var tags = EksApi.Object(body, "tags")?.ToDictionary(kv => kv.Key, kv => EksApi.Text(kv.Value, "tags") ?? "", StringComparer.Ordinal) ?? [];
        var now = Now();
        var entry = new AccessEntryRecord
        {
            ClusterId = cluster.Id,
            ClusterName = cluster.Name,
            PrincipalArn = principalArn,
            CanonicalArn = canonical,
            PrincipalId = (await iam.GetRoleByArnAsync(principalArn, call.CancellationToken))?.RoleId,
            AccessEntryArn = AccessEntries.EntryArn(cluster, canonical),
            KubernetesGroups = groups,
            Username = username ?? AccessEntries.DefaultUsername(canonical),
            Type = type,
            Tags = tags,
            CreatedAt = now,
            ModifiedAt = now,
        };
        await store.TransactAsync(async session =>
        {
            if (await session.GetAsync(AccessEntries.Collection, AccessEntries.Key(cluster.Id, canonical)) is not null)
            {
                throw new AwsErrorException(new AwsError("ResourceInUseException", "The specified access entry resource is already in use on this cluster.", 409));
            }

            await session.PutAsync(AccessEntries.Collection, AccessEntries.Key(cluster.Id, canonical), entry, expectedVersion: 0);
            return true;
        }, call.CancellationToken);
        return Recorded(new JsonObject { ["accessEntry"] = EntryJson(entry) });
    }

    private async Task<AwsResult> DescribeAsync(AwsCall call)
    {
        var (_, entry) = await EntryAsync(call);
        return EksApi.Json(new JsonObject { ["accessEntry"] = EntryJson(entry) });
    }

    private async Task<AwsResult> ListAsync(AwsCall call)
    {
        var cluster = await EnabledClusterAsync(call);
        var (max, after) = Paging(call);
        var policyFilter = call.Request.Query.Get("associatedPolicyArn");
        var prefix = cluster.Id + "/";
        var entries = await store.ListAsync<AccessEntryRecord>(AccessEntries.Collection, prefix, call.CancellationToken);
        var matching = entries
            .Where(e => after is null || string.CompareOrdinal(e.CanonicalArn, after) > 0)
            .Where(e => string.IsNullOrEmpty(policyFilter) || e.Policies.Any(p => p.PolicyArn == policyFilter))
            .OrderBy(e => e.CanonicalArn, StringComparer.Ordinal)
            .ToList();
        var page = matching.Take(max).ToList();
        return EksApi.Json(new JsonObject
        {
            ["accessEntries"] = new JsonArray([.. page.Select(e => JsonValue.Create(e.PrincipalArn))]),
            ["nextToken"] = matching.Count > max ? page[^1].CanonicalArn : null,
        });
    }

    private async Task<AwsResult> UpdateAsync(AwsCall call)
    {
        var (cluster, entry) = await EntryAsync(call);
        var body = EksApi.TryParseObject(call.Request.Body) ?? throw new AwsErrorException(EksApi.Serialization("Could not parse the request body as a JSON object"));
        var groups = EksApi.Strings(body, "kubernetesGroups");
        var username = EksApi.String(body, "username");
        if (entry.Type != "STANDARD" && (groups is not null || username is not null))
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"kubernetesGroups and username cannot be specified for an access entry of type {entry.Type}."));
        }

        if (groups is not null)
        {
            ValidateGroups(groups);
        }

        if (username is not null)
        {
            ValidateUsername(username);
        }

        var updated = await ChangeAsync(cluster, entry.CanonicalArn, e => e with
        {
            KubernetesGroups = groups ?? e.KubernetesGroups,
            Username = username ?? e.Username,
            ModifiedAt = Now(),
        }, call.CancellationToken);
        return Recorded(new JsonObject { ["accessEntry"] = EntryJson(updated) });
    }

    private async Task<AwsResult> DeleteAsync(AwsCall call)
    {
        var (cluster, entry) = await EntryAsync(call);
        await store.TransactAsync(session => session.DeleteAsync(AccessEntries.Collection, AccessEntries.Key(cluster.Id, entry.CanonicalArn)), call.CancellationToken);
        return Recorded([]);
    }

    private async Task<AwsResult> AssociateAsync(AwsCall call)
    {
        var (cluster, entry) = await EntryAsync(call);
        var body = EksApi.TryParseObject(call.Request.Body) ?? throw new AwsErrorException(EksApi.Serialization("Could not parse the request body as a JSON object"));
        var policyArn = EksApi.String(body, "policyArn") ?? throw new AwsErrorException(EksApi.InvalidParameter("Missing required parameter: policyArn"));
        var scope = EksApi.Object(body, "accessScope") ?? throw new AwsErrorException(EksApi.InvalidParameter("Missing required parameter: accessScope"));
        if (AccessPolicies.Find(policyArn) is null)
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The specified policyArn {policyArn} is invalid."));
        }

        if (entry.Type != "STANDARD")
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"Access policies cannot be associated with an access entry of type {entry.Type}."));
        }

        var type = EksApi.String(scope, "type") ?? throw new AwsErrorException(EksApi.InvalidParameter("Missing required parameter: accessScope.type"));
        var namespaces = EksApi.Strings(scope, "namespaces") ?? [];
        switch (type)
        {
            case AccessEntries.ClusterScope when namespaces.Count > 0:
                throw new AwsErrorException(EksApi.InvalidParameter("Namespaces cannot be specified for an access scope of type cluster."));
            case AccessEntries.NamespaceScope when namespaces.Count == 0:
                throw new AwsErrorException(EksApi.InvalidParameter("At least one namespace must be specified for an access scope of type namespace."));
            case AccessEntries.ClusterScope or AccessEntries.NamespaceScope:
                break;
            default:
                throw new AwsErrorException(EksApi.InvalidParameter($"The access scope type {type} is invalid. Valid types are: cluster, namespace."));
        }

        if (namespaces.Any(n => n.Length is 0 or > 63))
        {
            throw new AwsErrorException(EksApi.InvalidParameter("A namespace must be 1 to 63 characters long."));
        }

        var now = Now();
        AssociatedAccessPolicy? associated = null;
        await ChangeAsync(cluster, entry.CanonicalArn, e =>
        {
            // Associating a policy again replaces its scope; it keeps its place and its first association time.
            var existing = e.Policies.FindIndex(p => p.PolicyArn == policyArn);
            var policies = e.Policies.ToList();
            associated = new AssociatedAccessPolicy(policyArn, type, namespaces, existing >= 0 ? policies[existing].AssociatedAt : now, now);
            if (existing >= 0)
            {
                policies[existing] = associated;
            }
            else
            {
                policies.Add(associated);
            }

            return e with { Policies = policies };
        }, call.CancellationToken);
        return Recorded(new JsonObject
        {
            ["clusterName"] = cluster.Name,
            ["principalArn"] = entry.PrincipalArn,
            ["associatedAccessPolicy"] = PolicyJson(associated!),
        });
    }

    private async Task<AwsResult> ListAssociatedAsync(AwsCall call)
    {
        var (cluster, entry) = await EntryAsync(call);
        var (max, after) = Paging(call);
        var start = after is null ? 0 : entry.Policies.FindIndex(p => p.PolicyArn == after) + 1;
        var page = entry.Policies.Skip(start).Take(max).ToList();
        return EksApi.Json(new JsonObject
        {
            ["clusterName"] = cluster.Name,
            ["principalArn"] = entry.PrincipalArn,
            ["nextToken"] = start + page.Count < entry.Policies.Count ? page[^1].PolicyArn : null,
            ["associatedAccessPolicies"] = new JsonArray([.. page.Select(PolicyJson)]),
        });
    }

    private async Task<AwsResult> DisassociateAsync(AwsCall call)
    {
        var (cluster, entry) = await EntryAsync(call);
        var policyArn = call.PathValues["policyArn"];
        if (entry.Policies.All(p => p.PolicyArn != policyArn))
        {
            throw new AwsErrorException(new AwsError("ResourceNotFoundException", $"The specified policy {policyArn} is not associated with the access entry.", 404));
        }

        await ChangeAsync(cluster, entry.CanonicalArn, e => e with { Policies = [.. e.Policies.Where(p => p.PolicyArn != policyArn)] }, call.CancellationToken);
        return Recorded([]);
    }

    private Task<AwsResult> ListPoliciesAsync(AwsCall call)
    {
        var (max, after) = Paging(call);
        var start = after is null ? 0 : AccessPolicies.All.ToList().FindIndex(p => p.Arn == after) + 1;
        var page = AccessPolicies.All.Skip(start).Take(max).ToList();
        return Task.FromResult(EksApi.Json(new JsonObject
        {
            ["accessPolicies"] = new JsonArray([.. page.Select(p => new JsonObject { ["name"] = p.Name, ["arn"] = p.Arn })]),
            ["nextToken"] = start + page.Count < AccessPolicies.All.Count ? page[^1].Arn : null,
        }));
    }

    /// <summary>The named cluster, which must be in a mode that has access entries.</summary>
    private async Task<ClusterRecord> EnabledClusterAsync(AwsCall call)
    {
        var cluster = await clusters.DescribeAsync(call.RequiredCaller.AccountId, call.PathValues["name"], call.CancellationToken);
        return AccessEntries.Enabled(cluster)
            ? cluster
            : throw new AwsErrorException(new AwsError("InvalidRequestException",
                "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.", 400));
    }

    private async Task<(ClusterRecord Cluster, AccessEntryRecord Entry)> EntryAsync(AwsCall call)
    {
        var cluster = await EnabledClusterAsync(call);
        var principalArn = call.PathValues["principalArn"];
        var canonical = AccessEntries.CanonicalArn(principalArn);
        var entry = canonical is null ? null : await AccessEntries.FindAsync(store, cluster.Id, canonical, call.CancellationToken);

        // An entry is named by the ARN it was created with (a role's path included), not by another spelling.
        return entry is not null && entry.PrincipalArn == principalArn
            ? (cluster, entry)
            : throw new AwsErrorException(new AwsError("ResourceNotFoundException",
                "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.", 404));
    }

    private async Task<AccessEntryRecord> ChangeAsync(ClusterRecord cluster, string canonical, Func<AccessEntryRecord, AccessEntryRecord> change,
        CancellationToken cancellationToken) =>
        await store.TransactAsync(async session =>
        {
            var key = AccessEntries.Key(cluster.Id, canonical);
            var current = await session.GetAsync<AccessEntryRecord>(AccessEntries.Collection, key)
                ?? throw new AwsErrorException(new AwsError("ResourceNotFoundException",
                    "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.", 404));
            var updated = change(current);
            await session.PutAsync(AccessEntries.Collection, key, updated);
            return updated;
        }, cancellationToken);

    /// <summary>IAM users and roles (paths allowed) only: not sessions, roots or service-linked roles.</summary>
    private static string ValidPrincipal(string principalArn)
    {
        var canonical = AccessEntries.CanonicalArn(principalArn);
        if (canonical is null || !principalArn.StartsWith("arn:aws:iam::", StringComparison.Ordinal) || canonical.EndsWith(":root", StringComparison.Ordinal)
            || principalArn.Contains(":role/aws-service-role/", StringComparison.Ordinal))
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The specified principalArn {principalArn} is invalid: an access entry's principal must be an IAM user or role."));
        }

        return canonical;
    }

    private static void ValidateUsername(string username)
    {
        if (username.Length == 0 || ReservedUsernamePrefixes.Any(p => username.StartsWith(p, StringComparison.Ordinal)))
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The username {username} is invalid: it cannot start with {string.Join(", ", ReservedUsernamePrefixes)}."));
        }

        var session = username.IndexOf("{{SessionName", StringComparison.Ordinal);
        if (session >= 0 && username.LastIndexOf(':', session) < 0)
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The username {username} is invalid: {{{{SessionName}}}} must come after a colon."));
        }
    }

    private static void ValidateGroups(List<string> groups)
    {
        if (groups.FirstOrDefault(g => g.Length == 0 || g.StartsWith("system:", StringComparison.Ordinal)) is { } bad)
        {
            throw new AwsErrorException(EksApi.InvalidParameter($"The kubernetes group name {bad} is invalid, it cannot be empty or start with system:"));
        }
    }

    private static (int Max, string? After) Paging(AwsCall call)
    {
        var maxText = call.Request.Query.Get("maxResults") ?? "";
        var max = 100;
        if (maxText.Length > 0 && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > 100))
        {
            throw new AwsErrorException(EksApi.InvalidParameter("maxResults must be between 1 and 100"));
        }

        var after = call.Request.Query.Get("nextToken");
        return (max, string.IsNullOrEmpty(after) ? null : after);
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static double Epoch(DateTimeOffset value) => value.ToUnixTimeMilliseconds() / 1000.0;

    private static JsonObject EntryJson(AccessEntryRecord entry) => new()
    {
        ["clusterName"] = entry.ClusterName,
        ["principalArn"] = entry.PrincipalArn,
        ["kubernetesGroups"] = new JsonArray([.. entry.KubernetesGroups.Select(g => JsonValue.Create(g))]),
        ["accessEntryArn"] = entry.AccessEntryArn,
        ["createdAt"] = Epoch(entry.CreatedAt),
        ["modifiedAt"] = Epoch(entry.ModifiedAt),
        ["tags"] = new JsonObject([.. entry.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
        ["username"] = entry.Username,
        ["type"] = entry.Type,
    };

    private static JsonObject PolicyJson(AssociatedAccessPolicy policy)
    {
        var scope = new JsonObject { ["type"] = policy.ScopeType };
        if (policy.ScopeType == AccessEntries.NamespaceScope)
        {
            scope["namespaces"] = new JsonArray([.. policy.Namespaces.Select(n => JsonValue.Create(n))]);
        }

        return new JsonObject
        {
            ["policyArn"] = policy.PolicyArn,
            ["accessScope"] = scope,
            ["associatedAt"] = Epoch(policy.AssociatedAt),
            ["modifiedAt"] = Epoch(policy.ModifiedAt),
        };
    }

    private static AwsResult Recorded(JsonObject body)
    {
        var result = EksApi.Json(body);
        return new AwsResult(result.Reply!) { ResponseElements = (JsonObject)body.DeepClone() };
    }
}
