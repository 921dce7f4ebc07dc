using System.CommandLine;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Iam;

/// <summary>
/// <c>irsa iam create-service-account</c>, like eksctl's <c>create iamserviceaccount</c>: a role whose trust policy
/// pins exactly one service account of one cluster (never a wildcard), its permissions, and the annotated
/// Kubernetes service account.
/// </summary>
internal static class CreateServiceAccountCommand
{
    public const string RoleArnAnnotation = "eks.amazonaws.com/role-arn";

    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "Cluster name", Required = true };
        var ns = new Option<string>("--namespace") { Description = "Service account namespace", DefaultValueFactory = _ => "default" };
        var name = new Option<string>("--name") { Description = "Service account name", Required = true };
        var roleName = new Option<string>("--role-name") { Description = "IAM role to create", Required = true };
        var policyArn = new Option<string[]>("--attach-policy-arn") { Description = "Managed policy to attach (repeatable)", AllowMultipleArgumentsPerToken = true };
        var policyFile = new Option<string?>("--policy-file") { Description = "Inline permissions policy (JSON file)" };
        var command = new Command("create-service-account", "Create an IAM role for one service account and annotate the service account")
        {
            cluster, ns, name, roleName, policyArn, policyFile,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var arns = parse.GetValue(policyArn) ?? [];
            var file = parse.GetValue(policyFile);
            if (arns.Length == 0 && file is null)
            {
                throw new CliError("give the role permissions with --attach-policy-arn ARN or --policy-file FILE");
            }

            // Read before anything is created, so a bad file leaves no half-made role behind.
            var inlinePolicy = file is null ? null : await ReadPolicyAsync(file, ct);

            using var client = CliEnvironment.Client(parse);
            var clusterName = parse.GetValue(cluster)!;
            var described = (JsonObject)(await client.EksAsync(HttpMethod.Get, "/clusters/" + Uri.EscapeDataString(clusterName), null, ct))["cluster"]!;
            var issuer = described.Text("identity.oidc.issuer")!;
            var account = await Cluster.ClusterCommands.AccountAsync(client, ct);
            var providerArn = AssociateOidcProviderCommand.ProviderArn(account, issuer);
            try
            {
                await client.QueryAsync("iam", "GetOpenIDConnectProvider", [new("OpenIDConnectProviderArn", providerArn)], ct);
            }
            catch (Client.AwsCallException error) when (error.Code == "NoSuchEntity")
            {
                throw new CliError($"cluster {clusterName} has no IAM OIDC provider yet: run 'irsa iam associate-oidc-provider --cluster {clusterName}' first");
            }

            var serviceAccount = (Namespace: parse.GetValue(ns)!, Name: parse.GetValue(name)!);
            var role = parse.GetValue(roleName)!;
            var created = await client.QueryAsync("iam", "CreateRole",
            [
                new("RoleName", role),
                new("AssumeRolePolicyDocument", TrustPolicy(providerArn, issuer, serviceAccount.Namespace, serviceAccount.Name)),
                new("Description", $"IRSA role for {serviceAccount.Namespace}/{serviceAccount.Name} in cluster {clusterName}"),
            ], ct);
            var roleArn = created!.Descendants().First(e => e.Name.LocalName == "Arn").Value;
            foreach (var arn in arns)
            {
                await client.QueryAsync("iam", "AttachRolePolicy", [new("RoleName", role), new("PolicyArn", arn)], ct);
            }

            if (inlinePolicy is not null)
            {
                await client.QueryAsync("iam", "PutRolePolicy",
                    [new("RoleName", role), new("PolicyName", "irsa-" + serviceAccount.Name), new("PolicyDocument", inlinePolicy)], ct);
            }

            await Pod.ClusterAccess.AnnotateServiceAccountAsync(client, clusterName, serviceAccount.Namespace, serviceAccount.Name,
                RoleArnAnnotation, roleArn, ct);
            CliOutput.Write(parse, new JsonObject { ["RoleArn"] = roleArn, ["ServiceAccount"] = $"{serviceAccount.Namespace}/{serviceAccount.Name}" },
                [new JsonObject { ["sa"] = $"{serviceAccount.Namespace}/{serviceAccount.Name}", ["role"] = roleArn }],
                ("SERVICE ACCOUNT", r => r.Text("sa")), ("ROLE ARN", r => r.Text("role")));
            return 0;
        }));
        return command;
    }

    /// <summary>The policy file's text, once it is known to be a JSON object (IAM judges the rest).</summary>
    private static async Task<string> ReadPolicyAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new CliError($"--policy-file {file}: no such file");
        }

        var text = await File.ReadAllTextAsync(file, cancellationToken);
        try
        {
            return JsonNode.Parse(text) is JsonObject ? text : throw new CliError($"--policy-file {file}: not a JSON object (an IAM policy document)");
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new CliError($"--policy-file {file}: not JSON ({error.Message})");
        }
    }

    /// <summary>The least-privilege IRSA trust policy: this provider, audience <c>sts.amazonaws.com</c>, exactly this service account.</summary>
    internal static string TrustPolicy(string providerArn, string issuer, string ns, string name)
    {
        var host = issuer[(issuer.IndexOf("://", StringComparison.Ordinal) + 3)..];
        return new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["Federated"] = providerArn },
                ["Action"] = "sts:AssumeRoleWithWebIdentity",
                ["Condition"] = new JsonObject
                {
                    ["StringEquals"] = new JsonObject
                    {
                        [host + ":sub"] = $"system:serviceaccount:{ns}:{name}",
                        [host + ":aud"] = AssociateOidcProviderCommand.StsAudience,
                    },
                },
            }),
        }.ToJsonString();
    }
}
