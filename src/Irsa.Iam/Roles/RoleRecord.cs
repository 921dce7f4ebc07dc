using Irsa.Iam.Common;

namespace Irsa.Iam.Roles;

/// <summary>A stored IAM role; every policy document is kept verbatim, exactly as submitted.</summary>
public sealed record RoleRecord
{
    public required string AccountId { get; init; }

    public required string RoleName { get; init; }

    public required string RoleId { get; init; }

    public string Path { get; init; } = "/";

    public required DateTimeOffset CreateDate { get; init; }

    public required string AssumeRolePolicyDocument { get; init; }

    public string? Description { get; init; }

    public int MaxSessionDuration { get; init; } = 3600;

    public string? PermissionsBoundaryArn { get; init; }

    public IReadOnlyList<IamTag> Tags { get; init; } = [];

    public IReadOnlyList<InlinePolicy> InlinePolicies { get; init; } = [];

    public IReadOnlyList<string> AttachedPolicyArns { get; init; } = [];

    public DateTimeOffset? LastUsedDate { get; init; }

    public string? LastUsedRegion { get; init; }

    public string Arn => ArnFor(AccountId, Path, RoleName);

    public static string ArnFor(string accountId, string path, string roleName) =>
        $"arn:{IamProtocol.Partition}:iam::{accountId}:role{path}{roleName}";
}

/// <summary>An inline policy embedded in its user or role.</summary>
public sealed record InlinePolicy(string PolicyName, string PolicyDocument);
