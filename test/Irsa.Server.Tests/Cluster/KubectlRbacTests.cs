using System.Text.Json.Nodes;

namespace Irsa.Server.Tests.Cluster;

/// <summary>RBAC escalation prevention and ClusterRole aggregation, driven by kubectl 1.32 as a delegated user would.</summary>
public sealed class KubectlRbacTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private static string Groups(string ns) => $"(groups=[\"system:serviceaccounts\" \"system:serviceaccounts:{ns}\" \"system:authenticated\"])";

    private static void Succeeded((int Code, string Output, string Error) result) => Assert.True(result.Code == 0, result.Output + result.Error);

    private static string Role(string name, string ns, string rules) => $"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: {name}
          namespace: {ns}
        rules:
        {rules}
        """;

    /// <summary>Creates service account <paramref name="name"/> in <paramref name="ns"/> and a kubeconfig with its token.</summary>
    private async Task<string> UserAsync(string ns, string name)
    {
        Succeeded(await cluster.RunAsync("-n", ns, "create", "serviceaccount", name));
        var token = await cluster.RunAsync("-n", ns, "create", "token", name);
        Succeeded(token);
        var kubeconfig = Path.Combine(Path.GetDirectoryName(cluster.Kubeconfig)!, ns + "-" + name);
        await File.WriteAllTextAsync(kubeconfig, cluster.KubeconfigFor(token.Output).Replace("namespace: default", "namespace: " + ns, StringComparison.Ordinal));
        return kubeconfig;
    }

    [Fact]
    public async Task Roles_and_bindings_cannot_grant_what_the_writer_does_not_hold_without_escalate_or_bind()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "esc"));
        var delegateUser = await UserAsync("esc", "delegate");
        Succeeded(await cluster.RunWithInputAsync(Role("delegator", "esc", """
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["roles", "rolebindings"]
              verbs: ["create", "get", "list", "update", "patch", "delete"]
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get"]
            """), "apply", "-f", "-"));
        Succeeded(await cluster.RunAsync("-n", "esc", "create", "rolebinding", "delegate-delegator", "--role=delegator", "--serviceaccount=esc:delegate"));
        var podWriter = Role("pod-writer", "esc", """
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get", "create", "delete"]
            """);

        var writer = await cluster.RunWithAsync(delegateUser, podWriter, "create", "-f", "-");
        var reader = await cluster.RunWithAsync(delegateUser, Role("pod-reader", "esc", """
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get"]
            """), "create", "-f", "-");
        var bindView = await cluster.RunWithAsync(delegateUser, null, "create", "rolebinding", "view-it", "--clusterrole=view", "--serviceaccount=esc:delegate");
        var bindReader = await cluster.RunWithAsync(delegateUser, null, "create", "rolebinding", "read-it", "--role=pod-reader", "--serviceaccount=esc:delegate");
        var widen = await cluster.RunWithAsync(delegateUser, null, "patch", "role", "pod-reader", "--type=json",
            "-p", """[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]""");

        var groups = Groups("esc");
        Assert.Equal(1, writer.Code);
        Assert.Equal("Error from server (Forbidden): error when creating \"STDIN\": roles.rbac.authorization.k8s.io \"pod-writer\" is forbidden: " +
            $"user \"system:serviceaccount:esc:delegate\" {groups} is attempting to grant RBAC permissions not currently held:\n" +
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"create\" \"delete\"]}\n", writer.Error);
        Assert.True(reader.Code == 0, reader.Error);
        Assert.Equal(1, bindView.Code);
        Assert.StartsWith("error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io \"view-it\" is forbidden: " +
            $"user \"system:serviceaccount:esc:delegate\" {groups} is attempting to grant RBAC permissions not currently held:\n" +
            "{APIGroups:[\"\"], Resources:[\"events\"], Verbs:[\"get\" \"list\" \"watch\"]}\n", bindView.Error, StringComparison.Ordinal);
        Assert.Contains("{APIGroups:[\"\"], Resources:[\"serviceaccounts\"], Verbs:[\"get\" \"list\" \"watch\"]}", bindView.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Resources:[\"pods\"], Verbs:[\"get\"", bindView.Error, StringComparison.Ordinal);
        Assert.True(bindReader.Code == 0, bindReader.Error);
        Assert.Equal(1, widen.Code);
        Assert.Contains("roles.rbac.authorization.k8s.io \"pod-reader\" is forbidden: user \"system:serviceaccount:esc:delegate\"", widen.Error, StringComparison.Ordinal);
        Assert.EndsWith("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}\n", widen.Error, StringComparison.Ordinal);

        // escalate on roles and bind on the view ClusterRole lift each check, and nothing else.
        Succeeded(await cluster.RunWithInputAsync(Role("escalator", "esc", """
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["roles"]
              verbs: ["escalate"]
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["clusterroles"]
              resourceNames: ["view"]
              verbs: ["bind"]
            """), "apply", "-f", "-"));
        Succeeded(await cluster.RunAsync("-n", "esc", "create", "rolebinding", "delegate-escalator", "--role=escalator", "--serviceaccount=esc:delegate"));

        var writerNow = await cluster.RunWithAsync(delegateUser, podWriter, "create", "-f", "-");
        var bindViewNow = await cluster.RunWithAsync(delegateUser, null, "create", "rolebinding", "view-it", "--clusterrole=view", "--serviceaccount=esc:delegate");
        var bindEdit = await cluster.RunWithAsync(delegateUser, null, "create", "rolebinding", "edit-it", "--clusterrole=edit", "--serviceaccount=esc:delegate");

        Assert.True(writerNow.Code == 0, writerNow.Error);
        Assert.Equal("role.rbac.authorization.k8s.io/pod-writer created\n", writerNow.Output);
        Assert.True(bindViewNow.Code == 0, bindViewNow.Error);
        Assert.Equal(1, bindEdit.Code);
        Assert.Contains("rolebindings.rbac.authorization.k8s.io \"edit-it\" is forbidden", bindEdit.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clusterrole_labelled_aggregate_to_view_adds_its_rules_to_view_edit_and_admin()
    {
        Succeeded(await cluster.RunAsync("create", "namespace", "agg"));
        var readerUser = await UserAsync("agg", "reader");
        Succeeded(await cluster.RunAsync("-n", "agg", "create", "rolebinding", "reader-view", "--clusterrole=view", "--serviceaccount=agg:reader"));
        const string Labelled = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: role-viewer
              labels:
                rbac.authorization.k8s.io/aggregate-to-view: "true"
            rules:
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["roles"]
              verbs: ["get", "list"]
            """;

        var before = await cluster.RunWithAsync(readerUser, null, "auth", "can-i", "list", "roles");
        Succeeded(await cluster.RunWithInputAsync(Labelled, "apply", "-f", "-"));
        var during = await cluster.RunWithAsync(readerUser, null, "auth", "can-i", "list", "roles");
        var list = await cluster.RunWithAsync(readerUser, null, "get", "roles");
        var admin = JsonNode.Parse((await cluster.RunAsync("get", "clusterrole", "admin", "-o", "json")).Output)!;
        Succeeded(await cluster.RunAsync("delete", "clusterrole", "role-viewer"));
        var after = await cluster.RunWithAsync(readerUser, null, "auth", "can-i", "list", "roles");

        Assert.Equal("no\n", before.Output);
        Assert.Equal("yes\n", during.Output);
        Assert.True(list.Code == 0, list.Error);
        Assert.Contains(admin["rules"]!.AsArray(), r => r!.ToJsonString() == """{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["get","list"]}""");
        Assert.Equal("no\n", after.Output);
    }
}
