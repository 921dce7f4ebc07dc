namespace Irsa.Policy.Parsing;

/// <summary>Resource-string checks with IAM's messages. Unknown services and odd short ARNs are accepted.</summary>
internal static class ResourceValidator
{
    private static readonly string[] IamPathStarts =
    [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/",
        "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ];

    private static readonly HashSet<string> Partitions = new(StringComparer.Ordinal)
    {
        "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    };

    /// <summary>Short ARNs such as <c>arn:aws:s3::bucket</c> (fewer than five colons but with <c>::</c>).</summary>
    public static bool FailsLegacyParsing(string resource) =>
        resource.StartsWith("arn:", StringComparison.Ordinal)
        && resource.AsSpan().Count(':') < 5
        && resource.Contains("::", StringComparison.Ordinal);

    public static string? Validate(string resource)
    {
        if (resource == "*")
        {
            return null;
        }

        var parts = resource.Split(':', 6);
        if (parts.Length < 2 || parts[0] != "arn")
        {
            return PolicyMessages.ResourceNotArn(resource);
        }

        var partition = parts[1];
        if (!Partitions.Contains(partition) && !partition.Contains('*', StringComparison.Ordinal) && !partition.Contains('?', StringComparison.Ordinal))
        {
            string Part(int i) => i < parts.Length && parts[i].Length > 0 ? parts[i] : "*";
            return PolicyMessages.PartitionInvalid(partition, $"arn:{partition}:{Part(2)}:{Part(3)}:{Part(4)}:{Part(5)}");
        }

        if (parts.Length < 3 || parts[2].Length == 0 || parts[2].Contains('*', StringComparison.Ordinal) || parts[2].Contains('?', StringComparison.Ordinal))
        {
            return PolicyMessages.ResourceVendor;
        }

        var service = parts[2];
        var region = parts.Length > 3 ? parts[3] : string.Empty;
        if (service == "iam" && region.Length > 0)
        {
            return PolicyMessages.IamRegion(resource);
        }

        if (service == "s3" && region.Length > 0)
        {
            return PolicyMessages.S3Region(resource);
        }

        if (service == "iam" && parts.Length == 6)
        {
            var path = parts[5];
            if (path != "*" && !IamPathStarts.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            {
                return PolicyMessages.IamResourcePath(string.Join(", ", IamPathStarts));
            }
        }

        return null;
    }
}
