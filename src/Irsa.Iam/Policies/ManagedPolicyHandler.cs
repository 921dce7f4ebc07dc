using System.Globalization;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Common;
using Irsa.Storage;

namespace Irsa.Iam.Policies;

/// <summary>Customer managed policies and their versions.</summary>
internal sealed class ManagedPolicyHandler(IDocumentStore store, TimeProvider timeProvider)
{
    public async Task<byte[]> CreateAsync(IamRequest request)
    {
        var reader = request.Reader;
        var name = reader.Required("PolicyName", 1, 128, IamPatterns.Name(), IamPatterns.NameText);
        var path = reader.Optional("Path", 1, 512, IamPatterns.PolicyPath(), IamPatterns.PolicyPathText) ?? "/";
        var document = reader.RequiredPolicyDocument("PolicyDocument");
        var description = reader.Optional("Description", 0, 1000, IamPatterns.Description(), IamPatterns.DescriptionText);
        var tags = reader.OptionalTags() ?? [];
        reader.ThrowIfInvalid();
        RequestReader.CheckTagRules(tags);
        PolicyDocuments.ValidateManaged(document);

        var now = timeProvider.GetUtcNow();
        var policy = new ManagedPolicyRecord
        {
            AccountId = request.AccountId,
            PolicyName = name,
            PolicyId = AwsIds.NewUniqueId("ANPA"),
            Path = path,
            Description = description,
            CreateDate = now,
            UpdateDate = now,
            DefaultVersionId = "v1",
            Versions = [new PolicyVersionRecord("v1", document, now)],
            Tags = tags,
        };
        await store.TransactAsync(async session =>
        {
            var key = IamCollections.NameKey(request.AccountId, name);
            if (await session.GetAsync(IamCollections.Policies, key) is not null)
            {
                throw IamRequest.Error(AwsError.EntityAlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed."));
            }

            await session.PutAsync(IamCollections.Policies, key, policy, expectedVersion: 0);
        });
        return request.Respond(xml => WritePolicy(xml, "Policy", policy, listView: false));
    }

    public async Task<byte[]> GetAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        request.Reader.ThrowIfInvalid();
        var policy = await LoadAsync(request, arn);
        return request.Respond(xml => WritePolicy(xml, "Policy", policy.Value, listView: false));
    }

    public async Task<byte[]> ListAsync(IamRequest request)
    {
        var reader = request.Reader;
        var scope = reader.OptionalEnum("Scope", "All", "AWS", "Local");
        var onlyAttached = reader.OptionalBool("OnlyAttached") ?? false;
        var prefix = reader.Optional("PathPrefix", 1, 512, IamPatterns.PathPrefix(), IamPatterns.PathPrefixText) ?? "/";
        var paging = reader.Paging();
        reader.ThrowIfInvalid();
        // Irsa has no AWS-managed policies; the AWS scope is always empty.
        var documents = scope == "AWS"
            ? []
            : await store.ListAsync(IamCollections.Policies, IamCollections.AccountPrefix(request.AccountId));
        var policies = documents
            .Select(d => (d.Key, Policy: StoreExtensions.Deserialize<ManagedPolicyRecord>(d)))
            .Where(p => p.Policy.Path.StartsWith(prefix, StringComparison.Ordinal) && (!onlyAttached || p.Policy.AttachmentCount > 0));
        var page = Paging.Apply(policies, p => p.Key, paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("Policies");
            foreach (var (_, policy) in page.Items)
            {
                WritePolicy(xml, "member", policy, listView: true);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    public async Task<byte[]> DeleteAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var policy = await LoadAsync(session, request, arn);
            if (policy.Value.AttachmentCount > 0 || policy.Value.PermissionsBoundaryUsageCount > 0)
            {
                throw IamRequest.Error(AwsError.DeleteConflict("Cannot delete a policy attached to entities."));
            }

            if (policy.Value.Versions.Count > 1)
            {
                throw IamRequest.Error(AwsError.DeleteConflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."));
            }

            await session.DeleteAsync(IamCollections.Policies, IamCollections.NameKey(request.AccountId, policy.Value.PolicyName));
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> CreateVersionAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        var document = request.Reader.RequiredPolicyDocument("PolicyDocument");
        var setAsDefault = request.Reader.OptionalBool("SetAsDefault") ?? false;
        request.Reader.ThrowIfInvalid();
        PolicyDocuments.ValidateManaged(document);
        var version = await store.TransactAsync(async session =>
        {
            var policy = await LoadAsync(session, request, arn);
            if (policy.Value.Versions.Count >= ManagedPolicyRecord.MaxVersions)
            {
                throw IamRequest.Error(AwsError.LimitExceeded(
                    $"A managed policy can have up to {ManagedPolicyRecord.MaxVersions} versions. Before you create a new version, you must delete an existing version."));
            }

            var now = timeProvider.GetUtcNow();
            var created = new PolicyVersionRecord("v" + policy.Value.NextVersionNumber.ToString(CultureInfo.InvariantCulture), document, now);
            await ManagedPolicies.SaveAsync(session, policy, policy.Value with
            {
                Versions = [.. policy.Value.Versions, created],
                NextVersionNumber = policy.Value.NextVersionNumber + 1,
                DefaultVersionId = setAsDefault ? created.VersionId : policy.Value.DefaultVersionId,
                UpdateDate = now,
            });
            return (created, setAsDefault);
        });
        return request.Respond(xml => WriteVersion(xml, "PolicyVersion", version.created, version.setAsDefault, withDocument: false));
    }

    public async Task<byte[]> GetVersionAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        var versionId = ReadVersionId(request);
        request.Reader.ThrowIfInvalid();
        var policy = (await LoadAsync(request, arn)).Value;
        var version = FindVersion(policy, arn, versionId);
        return request.Respond(xml => WriteVersion(xml, "PolicyVersion", version, version.VersionId == policy.DefaultVersionId, withDocument: true));
    }

    public async Task<byte[]> ListVersionsAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        var paging = request.Reader.Paging();
        request.Reader.ThrowIfInvalid();
        var policy = (await LoadAsync(request, arn)).Value;
        // Newest first, as IAM lists them; the sort key inverts the creation order.
        var page = Paging.Apply(policy.Versions.Reverse().Select((v, i) => (Key: i.ToString("D4", CultureInfo.InvariantCulture), Version: v)),
            v => v.Key, paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("Versions");
            foreach (var (_, version) in page.Items)
            {
                WriteVersion(xml, "member", version, version.VersionId == policy.DefaultVersionId, withDocument: false);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    public async Task<byte[]> DeleteVersionAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        var versionId = ReadVersionId(request);
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var policy = await LoadAsync(session, request, arn);
            var version = FindVersion(policy.Value, arn, versionId);
            if (version.VersionId == policy.Value.DefaultVersionId)
            {
                throw IamRequest.Error(AwsError.DeleteConflict("Cannot delete the default version of a policy."));
            }

            await ManagedPolicies.SaveAsync(session, policy, policy.Value with { Versions = [.. policy.Value.Versions.Where(v => v != version)] });
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> SetDefaultVersionAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("PolicyArn");
        var versionId = ReadVersionId(request);
        request.Reader.ThrowIfInvalid();
        await store.TransactAsync(async session =>
        {
            var policy = await LoadAsync(session, request, arn);
            var version = FindVersion(policy.Value, arn, versionId);
            await ManagedPolicies.SaveAsync(session, policy, policy.Value with
            {
                DefaultVersionId = version.VersionId,
                UpdateDate = timeProvider.GetUtcNow(),
            });
        });
        return request.RespondEmpty();
    }

    private static string ReadVersionId(IamRequest request) =>
        request.Reader.Required("VersionId", 1, 128, IamPatterns.VersionId(), IamPatterns.VersionIdText);

    private static PolicyVersionRecord FindVersion(ManagedPolicyRecord policy, string arn, string versionId) =>
        policy.Versions.FirstOrDefault(v => v.VersionId == versionId)
        ?? throw IamRequest.Error(AwsError.NoSuchEntity($"Policy {arn} version {versionId} does not exist or is not attachable."));

    private async Task<Versioned<ManagedPolicyRecord>> LoadAsync(IamRequest request, string arn) =>
        await ManagedPolicies.FindAsync(store, request.AccountId, arn, CancellationToken.None) ?? throw NotFound(arn);

    private static async Task<Versioned<ManagedPolicyRecord>> LoadAsync(IDocumentSession session, IamRequest request, string arn) =>
        await ManagedPolicies.FindAsync(session, request.AccountId, arn) ?? throw NotFound(arn);

    private static AwsErrorException NotFound(string arn) => IamRequest.Error(AwsError.NoSuchEntity($"Policy {arn} was not found."));

    private static void WritePolicy(XmlWriter xml, string elementName, ManagedPolicyRecord policy, bool listView)
    {
        xml.WriteStartElement(elementName);
        xml.WriteElementString("PolicyName", policy.PolicyName);
        xml.WriteElementString("PolicyId", policy.PolicyId);
        xml.WriteElementString("Arn", policy.Arn);
        xml.WriteElementString("Path", policy.Path);
        xml.WriteElementString("DefaultVersionId", policy.DefaultVersionId);
        xml.WriteElementString("AttachmentCount", policy.AttachmentCount.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("PermissionsBoundaryUsageCount", policy.PermissionsBoundaryUsageCount.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("IsAttachable", "true");
        if (!listView)
        {
            xml.WriteOptional("Description", policy.Description);
        }

        xml.WriteElementString("CreateDate", QueryXml.Timestamp(policy.CreateDate));
        xml.WriteElementString("UpdateDate", QueryXml.Timestamp(policy.UpdateDate));
        if (!listView)
        {
            IamTags.WriteIfAny(xml, policy.Tags);
        }

        xml.WriteEndElement();
    }

    private static void WriteVersion(XmlWriter xml, string elementName, PolicyVersionRecord version, bool isDefault, bool withDocument)
    {
        xml.WriteStartElement(elementName);
        if (withDocument)
        {
            xml.WriteElementString("Document", PolicyDocumentEncoding.Encode(version.Document));
        }

        xml.WriteElementString("VersionId", version.VersionId);
        xml.WriteElementString("IsDefaultVersion", isDefault ? "true" : "false");
        xml.WriteElementString("CreateDate", QueryXml.Timestamp(version.CreateDate));
        xml.WriteEndElement();
    }
}
