using System.Text.Json.Nodes;
using Irsa.Cluster.Errors;
using static Irsa.Kubernetes.KubernetesObjectStore;

namespace Irsa.Kubernetes;

/// <summary>
/// kube-apiserver's validation of RoleBindings and ClusterRoleBindings (<c>pkg/apis/rbac/validation</c>): the roleRef
/// names a Role or ClusterRole of <c>rbac.authorization.k8s.io</c> (a ClusterRoleBinding only a ClusterRole), and each
/// subject is a ServiceAccount, User or Group with its API group. Without it a binding to a kind the authorizer never
/// resolves would be stored and silently grant nothing.
/// </summary>
internal static class BindingValidation
{
    private const string ServiceAccountKind = "ServiceAccount";

    /// <summary>Applies the v1 defaults (a User or Group subject's API group) and returns the binding's errors.</summary>
    public static List<FieldError> DefaultAndValidate(ResourceType type, JsonObject binding)
    {
        var errors = new List<FieldError>();
        var roleRef = binding["roleRef"] as JsonObject ?? [];
        var apiGroup = Text(roleRef, "apiGroup");
        if (apiGroup != ResourceTable.RbacGroup)
        {
            errors.Add(FieldError.NotSupported("roleRef.apiGroup", apiGroup, ResourceTable.RbacGroup));
        }

        string[] kinds = type == ResourceTable.ClusterRoleBindings ? ["ClusterRole"] : ["Role", "ClusterRole"];
        var kind = Text(roleRef, "kind");
        if (!kinds.Contains(kind))
        {
            errors.Add(FieldError.NotSupported("roleRef.kind", kind, kinds));
        }

        var name = Text(roleRef, "name");
        errors.AddRange(name.Length == 0
            ? [FieldError.Required("roleRef.name")]
            : RbacLifecycle.PathSegmentErrors(name).Select(message => FieldError.Invalid("roleRef.name", name, message)));

        var subjects = binding["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i] as JsonObject ?? [];
            if (Text(subject, "kind") is "User" or "Group" && !subject.ContainsKey("apiGroup"))
            {
                subject["apiGroup"] = ResourceTable.RbacGroup; // SetDefaults_Subject
            }

            errors.AddRange(SubjectErrors(subject, namespaced: type != ResourceTable.ClusterRoleBindings, $"subjects[{i}]"));
        }

        return errors;
    }

    private static IEnumerable<FieldError> SubjectErrors(JsonObject subject, bool namespaced, string path)
    {
        var name = Text(subject, "name");
        if (name.Length == 0)
        {
            yield return FieldError.Required(path + ".name");
        }

        var kind = Text(subject, "kind");
        var apiGroup = Text(subject, "apiGroup");
        switch (kind)
        {
            case ServiceAccountKind:
                if (name.Length > 0)
                {
                    foreach (var error in KubernetesNames.ValidateSubdomain(name))
                    {
                        yield return error with { Field = path + ".name" };
                    }
                }

                if (apiGroup.Length > 0)
                {
                    yield return FieldError.NotSupported(path + ".apiGroup", apiGroup, "");
                }

                if (!namespaced && Text(subject, "namespace").Length == 0)
                {
                    yield return FieldError.Required(path + ".namespace");
                }

                break;
            case "User" or "Group":
                if (apiGroup != ResourceTable.RbacGroup)
                {
                    yield return FieldError.NotSupported(path + ".apiGroup", apiGroup, ResourceTable.RbacGroup);
                }

                break;
            default:
                yield return FieldError.NotSupported(path + ".kind", kind, ServiceAccountKind, "User", "Group");
                break;
        }
    }
}
