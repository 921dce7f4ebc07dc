using Irsa.Core.Aws;
using Irsa.Policy;

namespace Irsa.Iam.Policies;

/// <summary>Validation of submitted documents through the policy engine, mapped to IAM error codes.</summary>
internal static class PolicyDocuments
{
    /// <summary>Parses <paramref name="json"/> with the rules of <paramref name="kind"/>, or throws <c>MalformedPolicyDocument</c>.</summary>
    public static PolicyDocument Validate(string json, PolicyKind kind)
    {
        var result = PolicyDocument.Parse(json, kind);
        return result.IsValid ? result.Document : throw new AwsErrorException(AwsError.MalformedPolicyDocument(result.Error.Message));
    }

    /// <summary>A trust policy: valid, and within the ACLSizePerRole quota (whitespace not counted).</summary>
    public static PolicyDocument ValidateTrust(string json)
    {
        var document = Validate(json, PolicyKind.Trust);
        if (PolicySize.CountCharacters(json) > PolicySize.TrustPolicyDefaultMax)
        {
            throw new AwsErrorException(AwsError.LimitExceeded($"Cannot exceed quota for ACLSizePerRole: {PolicySize.TrustPolicyDefaultMax}"));
        }

        return document;
    }

    /// <summary>A managed policy version: valid, and within the PolicySize quota.</summary>
    public static PolicyDocument ValidateManaged(string json)
    {
        var document = Validate(json, PolicyKind.ManagedIdentity);
        if (PolicySize.CountCharacters(json) > PolicySize.ManagedPolicyMax)
        {
            throw new AwsErrorException(AwsError.LimitExceeded($"Cannot exceed quota for PolicySize: {PolicySize.ManagedPolicyMax}"));
        }

        return document;
    }
}
