using Irsa.Core.Aws;
using Irsa.Iam.Common;
using Irsa.Iam.Policies;
using Irsa.Storage;

namespace Irsa.Iam.Roles;

/// <summary>Role lifecycle: create, read, list, update, delete, trust policy, boundary and tags.</summary>
internal sealed class RoleHandler(IDocumentStore store, TimeProvider timeProvider)
{
    public const int MaxRolesPerAccount = 1000;

    public async Task<byte[]> CreateAsync(IamRequest request)
    {
        var reader = request.Reader;
        var roleName = reader.Required("RoleName", 1, 64, IamPatterns.Name(), IamPatterns.NameText);
        var path = reader.Optional("Path", 1, 512, IamPatterns.Path(), IamPatterns.PathText) ?? "/";
        var document = reader.RequiredPolicyDocument("AssumeRolePolicyDocument");
        var description = reader.Optional("Description", 0, 1000, IamPatterns.Description(), IamPatterns.DescriptionText);
        var maxSession = reader.OptionalInt("MaxSessionDuration", 3600, 43200) ?? 3600;
        var boundaryArn = reader.OptionalArn("PermissionsBoundary");
        var tags = reader.OptionalTags() ?? [];
        reader.ThrowIfInvalid();
        RequestReader.CheckTagRules(tags);
        PolicyDocuments.ValidateTrust(document);

        var role = new RoleRecord
        {
            AccountId = request.AccountId,
            RoleName = roleName,
            RoleId = AwsIds.NewUniqueId("AROA"),
            Path = path,
            CreateDate = timeProvider.GetUtcNow(),
            AssumeRolePolicyDocument = document,
            Description = description,
            MaxSessionDuration = maxSession,
            PermissionsBoundaryArn = boundaryArn,
            Tags = tags,
        };

        await store.TransactAsync(async session =>
        {
            var key = RoleStore.Key(request.AccountId, roleName);
            if (await session.GetAsync(IamCollections.Roles, key) is not null)
            {
                throw IamRequest.Error(AwsError.EntityAlreadyExists($"Role with name {roleName} already exists."));
            }

            if ((await session.ListAsync(IamCollections.Roles, IamCollections.AccountPrefix(request.AccountId))).Count >= MaxRolesPerAccount)
            {
                throw IamRequest.Error(AwsError.LimitExceeded($"Cannot exceed quota for RolesPerAccount: {MaxRolesPerAccount}"));
            }

            await TrustPrincipalCheck.EnsurePrincipalsExistAsync(session, document);
            if (boundaryArn is not null)
            {
                await ChangeBoundaryUsageAsync(session, request.AccountId, boundaryArn, +1);
            }

            await session.PutAsync(IamCollections.Roles, key, role, expectedVersion: 0);
        });

        return request.Respond(xml => RoleStore.Write(xml, "Role", role, listView: false));
    }

    public async Task<byte[]> GetAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        request.Reader.ThrowIfInvalid();
        var role = await RoleStore.LoadAsync(store, request.AccountId, roleName);
        return request.Respond(xml => RoleStore.Write(xml, "Role", role, listView: false));
    }

    public async Task<byte[]> ListAsync(IamRequest request)
    {
        var prefix = request.Reader.Optional("PathPrefix", 1, 512, IamPatterns.PathPrefix(), IamPatterns.PathPrefixText) ?? "/";
        var paging = request.Reader.Paging();
        request.Reader.ThrowIfInvalid();
        var documents = await store.ListAsync(IamCollections.Roles, IamCollections.AccountPrefix(request.AccountId));
        var roles = documents
            .Select(d => (d.Key, Role: StoreExtensions.Deserialize<RoleRecord>(d)))
            .Where(r => r.Role.Path.StartsWith(prefix, StringComparison.Ordinal));
        var page = Paging.Apply(roles, r => r.Key, paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("Roles");
            foreach (var (_, role) in page.Items)
            {
                RoleStore.Write(xml, "member", role, listView: true);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    public async Task<byte[]> DeleteAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = (await RoleStore.LoadAsync(session, request.AccountId, roleName)).Value;
            if (role.InlinePolicies.Count > 0)
            {
                throw IamRequest.Error(AwsError.DeleteConflict("Cannot delete entity, must delete policies first."));
            }

            if (role.AttachedPolicyArns.Count > 0)
            {
                throw IamRequest.Error(AwsError.DeleteConflict("Cannot delete entity, must detach all policies first."));
            }

            if (role.PermissionsBoundaryArn is { } boundary)
            {
                await ChangeBoundaryUsageAsync(session, request.AccountId, boundary, -1, mustExist: false);
            }

            await session.DeleteAsync(IamCollections.Roles, RoleStore.Key(request.AccountId, roleName));
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> UpdateAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var description = request.Reader.Optional("Description", 0, 1000, IamPatterns.Description(), IamPatterns.DescriptionText);
        var maxSession = request.Reader.OptionalInt("MaxSessionDuration", 3600, 43200);
        request.Reader.ThrowIfInvalid();
        await ChangeAsync(request, roleName, role => role with
        {
            Description = description ?? role.Description,
            MaxSessionDuration = maxSession ?? role.MaxSessionDuration,
        });
        return request.Respond(_ => { });
    }

    public async Task<byte[]> UpdateAssumeRolePolicyAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var document = request.Reader.RequiredPolicyDocument("PolicyDocument");
        request.Reader.ThrowIfInvalid();
        PolicyDocuments.ValidateTrust(document);
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            await TrustPrincipalCheck.EnsurePrincipalsExistAsync(session, document);
            await RoleStore.SaveAsync(session, role, role.Value with { AssumeRolePolicyDocument = document });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> PutPermissionsBoundaryAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var boundaryArn = request.Reader.RequiredArn("PermissionsBoundary");
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            if (role.Value.PermissionsBoundaryArn == boundaryArn)
            {
                return;
            }

            await ChangeBoundaryUsageAsync(session, request.AccountId, boundaryArn, +1);
            if (role.Value.PermissionsBoundaryArn is { } previous)
            {
                await ChangeBoundaryUsageAsync(session, request.AccountId, previous, -1, mustExist: false);
            }

            await RoleStore.SaveAsync(session, role, role.Value with { PermissionsBoundaryArn = boundaryArn });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> DeletePermissionsBoundaryAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            if (role.Value.PermissionsBoundaryArn is { } previous)
            {
                await ChangeBoundaryUsageAsync(session, request.AccountId, previous, -1, mustExist: false);
                await RoleStore.SaveAsync(session, role, role.Value with { PermissionsBoundaryArn = null });
            }
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> TagAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var tags = request.Reader.RequiredTags();
        request.Reader.ThrowIfInvalid();
        RequestReader.CheckTagRules(tags);
        await ChangeAsync(request, roleName, role => role with { Tags = IamTags.Merge(role.Tags, tags) });
        return request.RespondEmpty();
    }

    public async Task<byte[]> UntagAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var keys = request.Reader.RequiredList("TagKeys", 1, 128, IamPatterns.TagKey(), IamPatterns.TagKeyText);
        request.Reader.ThrowIfInvalid();
        await ChangeAsync(request, roleName, role => role with { Tags = IamTags.Remove(role.Tags, keys) });
        return request.RespondEmpty();
    }

    public async Task<byte[]> ListTagsAsync(IamRequest request)
    {
        var roleName = ReadRoleName(request);
        var paging = request.Reader.Paging();
        request.Reader.ThrowIfInvalid();
        var role = await RoleStore.LoadAsync(store, request.AccountId, roleName);
        var page = Paging.Apply(role.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), t => t.Key, paging);
        return request.Respond(xml =>
        {
            IamTags.Write(xml, page.Items);
            page.WriteTruncation(xml);
        });
    }

    internal static string ReadRoleName(IamRequest request) =>
        request.Reader.Required("RoleName", 1, 64, IamPatterns.Name(), IamPatterns.NameText);

    private Task ChangeAsync(IamRequest request, string roleName, Func<RoleRecord, RoleRecord> change) =>
        store.TransactAsync(async session =>
        {
            var role = await RoleStore.LoadAsync(session, request.AccountId, roleName);
            await RoleStore.SaveAsync(session, role, change(role.Value));
        });

    /// <summary>Keeps <c>PermissionsBoundaryUsageCount</c> in step; a new boundary must name a policy of the account.</summary>
    private static async Task ChangeBoundaryUsageAsync(IDocumentSession session, string accountId, string policyArn, int delta, bool mustExist = true)
    {
        var policy = await ManagedPolicies.FindAsync(session, accountId, policyArn);
        if (policy is null)
        {
            if (mustExist)
            {
                throw IamRequest.Error(AwsError.NoSuchEntity($"Scope ARN: {policyArn} does not exist or is not attachable."));
            }

            return;
        }

        await ManagedPolicies.SaveAsync(session, policy,
            policy.Value with { PermissionsBoundaryUsageCount = Math.Max(0, policy.Value.PermissionsBoundaryUsageCount + delta) });
    }
}
