namespace Irsa.Iam.Common;

/// <summary>
/// Document collections and keys of the IAM store. Every entity key starts with its account id, so a
/// caller's reads are confined to its own account by construction.
/// </summary>
/// <remarks>
/// Note: IAM names are unique case-insensitively, so name keys are lower-cased; the record keeps the original spelling.
/// </remarks>
internal static class IamCollections
{
    public const string Accounts = "iam.accounts";
    public const string Users = "iam.users";
    public const string AccessKeys = "iam.access-keys";
    public const string OpenIdConnectProviders = "iam.oidc-providers";
    public const string Roles = "iam.roles";
    public const string Policies = "iam.policies";

    public static string AccountPrefix(string accountId) => accountId + "/";

    public static string NameKey(string accountId, string name) => accountId + "/" + name.ToLowerInvariant();
}
