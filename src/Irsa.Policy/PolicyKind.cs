namespace Irsa.Policy;

/// <summary>Which kind of policy a document is; it decides the validation rules that apply.</summary>
public enum PolicyKind
{
    /// <summary>An inline identity policy (PutRolePolicy/PutUserPolicy). Missing Version is accepted.</summary>
    Identity,

    /// <summary>A customer managed policy (CreatePolicy/CreatePolicyVersion); must be version 2012-10-17.</summary>
    ManagedIdentity,

    /// <summary>A permissions boundary: managed-policy rules, used only to limit.</summary>
    PermissionsBoundary,

    /// <summary>An inline session policy passed to AssumeRole* or GetFederationToken.</summary>
    Session,

    /// <summary>A role trust policy (AssumeRolePolicyDocument).</summary>
    Trust,

    /// <summary>A resource-based policy (bucket policy and the like); Principal required, Resource optional.</summary>
    Resource,
}
