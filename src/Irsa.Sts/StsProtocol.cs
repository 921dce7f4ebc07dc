namespace Irsa.Sts;

/// <summary>Wire constants of the STS awsQuery protocol.</summary>
public static class StsProtocol
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public const string Version = "2011-06-15";

    /// <summary>The signing name and the service of STS's rows.</summary>
    public const string ServiceName = "sts";

    public const string AssumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity";

    public const string GetCallerIdentity = "GetCallerIdentity";

    public const string AssumeRole = "AssumeRole";

    public const string GetSessionToken = "GetSessionToken";

    public const string GetAccessKeyInfo = "GetAccessKeyInfo";

    /// <summary>
    /// Whether an action is unsigned: the host must not require (nor reject on) a signature for it, since SDKs send it
    /// anonymously and some sign it anyway.
    /// </summary>
    public static bool IsUnsigned(string? action) => action == AssumeRoleWithWebIdentity;
}
