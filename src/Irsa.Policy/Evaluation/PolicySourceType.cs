namespace Irsa.Policy;

/// <summary>Where a policy came from; IAM's <c>SourcePolicyType</c> (see <see cref="PolicySourceTypeExtensions"/>).</summary>
public enum PolicySourceType
{
    None,
    User,
    Group,
    Role,
    AwsManaged,
    UserManaged,
    Resource,
}

/// <summary>Wire names for <see cref="PolicySourceType"/>.</summary>
public static class PolicySourceTypeExtensions
{
    public static string ToWireValue(this PolicySourceType type) => type switch
    {
        PolicySourceType.User => "user",
        PolicySourceType.Group => "group",
        PolicySourceType.Role => "role",
        PolicySourceType.AwsManaged => "aws-managed",
        PolicySourceType.UserManaged => "user-managed",
        PolicySourceType.Resource => "resource",
        _ => "none",
    };
}
