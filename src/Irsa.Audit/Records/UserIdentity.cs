using System.Text.Json;

namespace Irsa.Audit.Records;

/// <summary>The <c>userIdentity</c> element: who made the call, in one of the shapes AWS writes.</summary>
public abstract record UserIdentity
{
    /// <summary>The <c>Username</c> LookupEvents reports for this caller.</summary>
    public abstract string? LookupUsername { get; }

    /// <summary>The access key the call was signed with, if any (LookupEvents' <c>AccessKeyId</c>).</summary>
    public virtual string? LookupAccessKeyId => null;

    internal abstract void Write(Utf8JsonWriter writer);
}

/// <summary>
/// A caller federated through an OIDC provider (<c>AssumeRoleWithWebIdentity</c>): <c>principalId</c> is
/// <c>provider-ARN:aud:sub</c>, <c>userName</c> the token's <c>sub</c>.
/// </summary>
/// <param name="ProviderArn">The IAM OIDC provider's ARN; <c>null</c> for the reduced identity AWS logs for trust-policy denials.</param>
/// <param name="Audience">The token's audience that matched the provider's client ids.</param>
/// <param name="Subject">The token's <c>sub</c>.</param>
public sealed record WebIdentityUser(string? ProviderArn, string? Audience, string Subject) : UserIdentity
{
    public override string LookupUsername => Subject;

    /// <summary>The reduced identity (<c>type</c> and <c>userName</c> only) AWS writes when the trust policy denied the call.</summary>
    public static WebIdentityUser Reduced(string subject) => new(null, null, subject);

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "WebIdentityUser");
        if (ProviderArn is not null)
        {
            writer.WriteString("principalId", $"{ProviderArn}:{Audience}:{Subject}");
        }

        writer.WriteString("userName", Subject);
        if (ProviderArn is not null)
        {
            writer.WriteString("identityProvider", ProviderArn);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A role session (credentials from STS), as later calls made with them are logged.</summary>
/// <param name="RoleId">The role's unique id (<c>AROA…</c>).</param>
/// <param name="RoleArn">The role's ARN, with its path (<c>sessionIssuer.arn</c> keeps it).</param>
/// <param name="RoleName">The role's name.</param>
/// <param name="SessionName">The role session name.</param>
/// <param name="AccountId">The role's account.</param>
/// <param name="AccessKeyId">The session's access key id (<c>ASIA…</c>).</param>
/// <param name="SessionCreated">When the credentials were issued (<c>attributes.creationDate</c>).</param>
public sealed record AssumedRole(
    string RoleId,
    string RoleArn,
    string RoleName,
    string SessionName,
    string AccountId,
    string AccessKeyId,
    DateTimeOffset SessionCreated) : UserIdentity
{
    /// <summary>The OIDC provider ARN when the session came from <c>AssumeRoleWithWebIdentity</c> (adds <c>webIdFederationData</c>).</summary>
    public string? FederatedProvider { get; init; }

    /// <summary>The session's source identity, when one was set.</summary>
    public string? SourceIdentity { get; init; }

    /// <summary>The partition of the role's ARN, which the assumed-role ARN shares.</summary>
    public string Partition => RoleArn.Split(':')[1];

    /// <summary>The session's ARN: <c>arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION</c>, without the role's path.</summary>
    public string SessionArn => $"arn:{Partition}:sts::{AccountId}:assumed-role/{RoleName}/{SessionName}";

    public override string LookupUsername => SessionName;

    public override string? LookupAccessKeyId => AccessKeyId;

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "AssumedRole");
        writer.WriteString("principalId", $"{RoleId}:{SessionName}");
        writer.WriteString("arn", SessionArn);
        writer.WriteString("accountId", AccountId);
        writer.WriteString("accessKeyId", AccessKeyId);
        writer.WriteStartObject("sessionContext");
        writer.WriteStartObject("sessionIssuer");
        writer.WriteString("type", "Role");
        writer.WriteString("principalId", RoleId);
        writer.WriteString("arn", RoleArn);
        writer.WriteString("accountId", AccountId);
        writer.WriteString("userName", RoleName);
        writer.WriteEndObject();
        if (FederatedProvider is not null)
        {
            writer.WriteStartObject("webIdFederationData");
            writer.WriteString("federatedProvider", FederatedProvider);
            writer.WriteStartObject("attributes");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteStartObject("attributes");
        writer.WriteString("creationDate", CloudTrailTime.Iso(SessionCreated));
        writer.WriteString("mfaAuthenticated", "false");
        writer.WriteEndObject();
        if (SourceIdentity is not null)
        {
            writer.WriteString("sourceIdentity", SourceIdentity);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>An IAM user signing with a long-term key (<c>AKIA…</c>).</summary>
/// <param name="UserId">The user's unique id (<c>AIDA…</c>).</param>
/// <param name="Arn">The user's ARN, with its path.</param>
/// <param name="AccountId">The user's account.</param>
/// <param name="AccessKeyId">The access key the call was signed with.</param>
/// <param name="UserName">The user's name.</param>
public sealed record IamUser(string UserId, string Arn, string AccountId, string AccessKeyId, string UserName) : UserIdentity
{
    public override string LookupUsername => UserName;

    public override string? LookupAccessKeyId => AccessKeyId;

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "IAMUser");
        writer.WriteString("principalId", UserId);
        writer.WriteString("arn", Arn);
        writer.WriteString("accountId", AccountId);
        writer.WriteString("accessKeyId", AccessKeyId);
        writer.WriteString("userName", UserName);
        writer.WriteEndObject();
    }
}

/// <summary>The account's root user; <c>principalId</c> is the account id.</summary>
public sealed record RootUser(string AccountId, string? AccessKeyId, string Partition = "aws") : UserIdentity
{
    public override string LookupUsername => "root";

    public override string? LookupAccessKeyId => AccessKeyId;

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Root");
        writer.WriteString("principalId", AccountId);
        writer.WriteString("arn", $"arn:{Partition}:iam::{AccountId}:root");
        writer.WriteString("accountId", AccountId);
        if (AccessKeyId is not null)
        {
            writer.WriteString("accessKeyId", AccessKeyId);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// A caller CloudTrail cannot name: the request failed before it was authenticated (a bad signature, an unknown key, a
/// missing token). The access key it claimed is kept so an operator can find who is probing.
/// </summary>
/// <param name="AccessKeyId">The access key id the request claimed, if any.</param>
public sealed record UnknownUser(string? AccessKeyId) : UserIdentity
{
    public override string? LookupUsername => null;

    public override string? LookupAccessKeyId => AccessKeyId;

    internal override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Unknown");
        if (AccessKeyId is not null)
        {
            writer.WriteString("accessKeyId", AccessKeyId);
        }

        writer.WriteEndObject();
    }
}
