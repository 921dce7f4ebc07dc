using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Common;
using Irsa.Storage;

namespace Irsa.Iam.Roles;

/// <summary>Role lookups and rendering shared by the role handlers.</summary>
internal static class RoleStore
{
    public static string Key(string accountId, string roleName) => IamCollections.NameKey(accountId, roleName);

    public static AwsErrorException NotFound(string roleName) =>
        new(AwsError.NoSuchEntity($"The role with name {roleName} cannot be found."));

    public static async Task<Versioned<RoleRecord>> LoadAsync(IDocumentSession session, string accountId, string roleName) =>
        await session.GetVersionedAsync<RoleRecord>(IamCollections.Roles, Key(accountId, roleName)) ?? throw NotFound(roleName);

    public static async Task<RoleRecord> LoadAsync(IDocumentStore store, string accountId, string roleName) =>
        (await store.GetVersionedAsync<RoleRecord>(IamCollections.Roles, Key(accountId, roleName), CancellationToken.None))?.Value
        ?? throw NotFound(roleName);

    public static Task<long> SaveAsync(IDocumentSession session, Versioned<RoleRecord> original, RoleRecord updated) =>
        session.PutAsync(IamCollections.Roles, Key(updated.AccountId, updated.RoleName), updated, original.Version);

    /// <summary>Writes a <c>Role</c> element; list views omit boundary, tags and last use, as <c>ListRoles</c> does.</summary>
    public static void Write(XmlWriter xml, string elementName, RoleRecord role, bool listView)
    {
        xml.WriteStartElement(elementName);
        xml.WriteElementString("Path", role.Path);
        xml.WriteElementString("RoleName", role.RoleName);
        xml.WriteElementString("RoleId", role.RoleId);
        xml.WriteElementString("Arn", role.Arn);
        xml.WriteElementString("CreateDate", QueryXml.Timestamp(role.CreateDate));
        xml.WriteElementString("AssumeRolePolicyDocument", PolicyDocumentEncoding.Encode(role.AssumeRolePolicyDocument));
        xml.WriteOptional("Description", role.Description);
        xml.WriteElementString("MaxSessionDuration", role.MaxSessionDuration.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!listView)
        {
            if (role.PermissionsBoundaryArn is { } boundary)
            {
                xml.WriteStartElement("PermissionsBoundary");
                xml.WriteElementString("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
                xml.WriteElementString("PermissionsBoundaryArn", boundary);
                xml.WriteEndElement();
            }

            IamTags.WriteIfAny(xml, role.Tags);
            xml.WriteStartElement("RoleLastUsed");
            if (role.LastUsedDate is { } lastUsed)
            {
                xml.WriteElementString("LastUsedDate", QueryXml.Timestamp(lastUsed));
                xml.WriteOptional("Region", role.LastUsedRegion);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }
}
