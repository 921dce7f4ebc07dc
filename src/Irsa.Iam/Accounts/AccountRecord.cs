namespace Irsa.Iam.Accounts;

/// <summary>A stored account: the unit of isolation for every IAM entity.</summary>
public sealed record AccountRecord
{
    public required string AccountId { get; init; }

    public required DateTimeOffset CreateDate { get; init; }

    /// <summary>The access key id issued to the bootstrap admin on first start.</summary>
    public string? AdminAccessKeyId { get; init; }
}

/// <summary>A stored IAM user (Irsa keeps users only for the bootstrap administrator).</summary>
public sealed record UserRecord
{
    public required string AccountId { get; init; }

    public required string UserName { get; init; }

    public required string UserId { get; init; }

    public string Path { get; init; } = "/";

    public required DateTimeOffset CreateDate { get; init; }

    /// <summary>Inline policies in the order they were put; documents verbatim.</summary>
    public IReadOnlyList<Irsa.Iam.Roles.InlinePolicy> InlinePolicies { get; init; } = [];

    public IReadOnlyList<string> AttachedPolicyArns { get; init; } = [];

    public string? PermissionsBoundaryArn { get; init; }

    public string Arn => $"arn:{IamProtocol.Partition}:iam::{AccountId}:user{Path}{UserName}";
}

/// <summary>A stored long-term access key; the secret is encrypted at rest and never leaves this library in clear except to its owner.</summary>
public sealed record AccessKeyRecord
{
    public required string AccessKeyId { get; init; }

    public required string AccountId { get; init; }

    public required string UserName { get; init; }

    /// <summary>The secret access key protected by <see cref="Core.Security.SecretProtector"/> under <see cref="AccessKeys.SecretPurpose"/>.</summary>
    public required string ProtectedSecret { get; init; }

    public string Status { get; init; } = "Active";

    public required DateTimeOffset CreateDate { get; init; }
}
