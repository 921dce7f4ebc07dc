namespace Irsa.Policy;

/// <summary>The <c>MalformedPolicyDocument</c> messages, worded as AWS words them.</summary>
public static class PolicyMessages
{
    public const string SyntaxErrors = "Syntax errors in policy.";
    public const string InvalidJson = "This policy contains invalid Json";
    public const string VersionRequired = "Policy document must be version 2012-10-17 or greater.";
    public const string LegacyParsing = "The policy failed legacy parsing";
    public const string SidNotAlphanumeric =
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    public const string SidNotUnique = "Statement IDs (SID) in a single policy must be unique.";
    public const string MissingActions = "Policy statement must contain actions.";
    public const string MissingResources = "Policy statement must contain resources.";
    public const string PrincipalNotAllowed = "Policy document should not specify a principal.";
    public const string ProhibitedResource = "Has prohibited field Resource";
    public const string MissingPrincipal = "Missing required field Principal";
    public const string MissingEffect = "Missing required field Effect";
    public const string MissingAction = "Missing required field Action";
    public const string AllowWithNotPrincipal = "Allow with NotPrincipal is not allowed.";
    public const string TrustNotPrincipal = "AssumeRole policy must not contain NotPrincipal field.";
    public const string TrustActionsOnly = "AssumeRole policy may only specify STS AssumeRole actions.";
    public const string CognitoNeedsCondition = "A condition block must be present for the Cognito provider";
    public const string FederatedPrincipalInvalid = "Federated principals must be valid domain names or SAML metadata ARNs";
    public const string ActionNeedsVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    public const string ActionOneColon = "Actions/Condition can contain only one colon.";
    public const string ResourceVendor = "Resource vendor must be fully qualified and cannot contain regexes.";

    public static string VendorInvalid(string vendor) => $"Vendor {vendor} is not valid";

    public static string ResourceNotArn(string resource) => $"Resource {resource} must be in ARN format or \"*\".";

    public static string PartitionInvalid(string partition, string resource) =>
        $"Partition \"{partition}\" is not valid for resource \"{resource}\".";

    public static string IamRegion(string resource) => $"IAM resource {resource} cannot contain region information.";

    public static string S3Region(string resource) => $"Resource {resource} can not contain region information.";

    public static string IamResourcePath(string validStarts) =>
        $"IAM resource path must either be \"*\" or start with {validStarts}.";

    public static string InvalidPrincipal(string type, string value) => $"Invalid principal in policy: \"{type}\":\"{value}\"";
}
