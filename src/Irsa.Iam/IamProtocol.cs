namespace Irsa.Iam;

/// <summary>Wire constants of the IAM awsQuery protocol.</summary>
public static class IamProtocol
{
    /// <summary>The XML namespace of every IAM response document.</summary>
    public const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    /// <summary>The API version SDKs send as <c>Version</c>.</summary>
    public const string Version = "2010-05-08";

    /// <summary>The SigV4 signing name and the prefix of IAM policy actions.</summary>
    public const string ServiceName = "iam";

    /// <summary>The ARN partition Irsa issues.</summary>
    public const string Partition = "aws";
}
