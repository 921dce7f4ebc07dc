using Irsa.Core.Aws;
using Irsa.Iam.Common;
using Irsa.Iam.Policies;
using Irsa.Policy;
using Irsa.Storage;

namespace Irsa.Iam.Roles;

/// <summary>A role's permissions: inline policies, and managed policies attached to it.</summary>
internal sealed class RolePolicyHandler(IDocumentStore store)
{
    public const int MaxAttachedPolicies = 10;

    public async Task<byte[]> PutAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var policyName = ReadPolicyName(request);
        var document = request.Reader.RequiredPolicyDocument("PolicyDocument");
        request.Reader.ThrowIfInvalid();
        PolicyDocuments.Validate(document, PolicyKind.Identity);
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            var policies = role.Value.InlinePolicies
                .Where(p => !string.Equals(p.PolicyName, policyName, StringComparison.OrdinalIgnoreCase))
                .Append(new InlinePolicy(policyName, document))
                .ToList();
            if (policies.Sum(p => PolicySize.CountCharacters(p.PolicyDocument)) > PolicySize.RoleInlineTotalMax)
            {
                throw IamRequest.Error(AwsError.LimitExceeded(
                    $"Maximum policy size of {PolicySize.RoleInlineTotalMax} bytes exceeded for role {role.Value.RoleName}"));
            }

            await RoleStore.SaveAsync(session, role, role.Value with { InlinePolicies = policies });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> GetAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var policyName = ReadPolicyName(request);
        request.Reader.ThrowIfInvalid();
        var role = await RoleStore.LoadAsync(store, request.AccountId, roleName);
        var policy = Find(role, policyName) ?? throw NotFound(policyName);
        return request.Respond(xml =>
        {
            xml.WriteElementString("RoleName", role.RoleName);
            xml.WriteElementString("PolicyName", policy.PolicyName);
            xml.WriteElementString("PolicyDocument", PolicyDocumentEncoding.Encode(policy.PolicyDocument));
        });
    }

    public async Task<byte[]> DeleteAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var policyName = ReadPolicyName(request);
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            var policy = Find(role.Value, policyName) ?? throw NotFound(policyName);
            await RoleStore.SaveAsync(session, role, role.Value with { InlinePolicies = [.. role.Value.InlinePolicies.Where(p => p != policy)] });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> ListAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var paging = request.Reader.Paging();
        request.Reader.ThrowIfInvalid();
        var role = await RoleStore.LoadAsync(store, request.AccountId, roleName);
        var page = Paging.Apply(role.InlinePolicies.Select(p => p.PolicyName).Order(StringComparer.Ordinal), n => n, paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("PolicyNames");
            foreach (var name in page.Items)
            {
                xml.WriteElementString("member", name);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    public async Task<byte[]> AttachAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var policyArn = request.Reader.RequiredArn("PolicyArn");
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            var policy = await ManagedPolicies.FindAsync(session, request.AccountId, policyArn)
                ?? throw IamRequest.Error(AwsError.NoSuchEntity($"Policy {policyArn} does not exist or is not attachable."));
            if (role.Value.AttachedPolicyArns.Contains(policyArn, StringComparer.Ordinal))
            {
                return;
            }

            if (role.Value.AttachedPolicyArns.Count >= MaxAttachedPolicies)
            {
                throw IamRequest.Error(AwsError.LimitExceeded($"Cannot exceed quota for PoliciesPerRole: {MaxAttachedPolicies}"));
            }

            await ManagedPolicies.SaveAsync(session, policy, policy.Value with { AttachmentCount = policy.Value.AttachmentCount + 1 });
            await RoleStore.SaveAsync(session, role, role.Value with { AttachedPolicyArns = [.. role.Value.AttachedPolicyArns, policyArn] });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> DetachAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var policyArn = request.Reader.RequiredArn("PolicyArn");
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            if (!role.Value.AttachedPolicyArns.Contains(policyArn, StringComparer.Ordinal))
            {
                throw IamRequest.Error(AwsError.NoSuchEntity($"Policy {policyArn} was not found."));
            }

            if (await ManagedPolicies.FindAsync(session, request.AccountId, policyArn) is { } policy)
            {
                await ManagedPolicies.SaveAsync(session, policy, policy.Value with { AttachmentCount = Math.Max(0, policy.Value.AttachmentCount - 1) });
            }

            await RoleStore.SaveAsync(session, role, role.Value with
            {
                AttachedPolicyArns = [.. role.Value.AttachedPolicyArns.Where(a => a != policyArn)],
            });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> ListAttachedAsync(IamRequest request)
    {
        var roleName = RoleHandler.ReadRoleName(request);
        var prefix = request.Reader.Optional("PathPrefix", 1, 512, IamPatterns.PolicyPath(), IamPatterns.PolicyPathText) ?? "/";
        var paging = request.Reader.Paging();
        request.Reader.ThrowIfInvalid();
        var role = await RoleStore.LoadAsync(store, request.AccountId, roleName);
        var attached = new List<ManagedPolicyRecord>();
        foreach (var arn in role.AttachedPolicyArns)
        {
            if (await ManagedPolicies.FindAsync(store, request.AccountId, arn, CancellationToken.None) is { } policy
                && policy.Value.Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                attached.Add(policy.Value);
            }
        }

        var page = Paging.Apply(attached.OrderBy(p => p.Arn, StringComparer.Ordinal), p => p.Arn, paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("AttachedPolicies");
            foreach (var policy in page.Items)
            {
                xml.WriteStartElement("member");
                xml.WriteElementString("PolicyName", policy.PolicyName);
                xml.WriteElementString("PolicyArn", policy.Arn);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    private static string ReadPolicyName(IamRequest request) =>
        request.Reader.Required("PolicyName", 1, 128, IamPatterns.Name(), IamPatterns.NameText);

    private static InlinePolicy? Find(RoleRecord role, string policyName) =>
        role.InlinePolicies.FirstOrDefault(p => string.Equals(p.PolicyName, policyName, StringComparison.OrdinalIgnoreCase));

    private static AwsErrorException NotFound(string policyName) =>
        IamRequest.Error(AwsError.NoSuchEntity($"The role policy with name {policyName} cannot be found."));
}
