using System.Text.Json.Nodes;

namespace Irsa.Audit.Records;

/// <summary>Builders for the parts of <c>requestParameters</c>/<c>responseElements</c> whose shape AWS fixes.</summary>
public static class CloudTrailElements
{
    /// <summary>
    /// <c>responseElements.credentials</c> for STS calls: the access key id and the expiration in Java's medium style.
    /// There is deliberately no parameter for the secret access key or the session token: neither may reach a record
    /// (AWS writes the session token; Irsa does not, because its session tokens are bearer credentials).
    /// </summary>
    public static JsonObject Credentials(string accessKeyId, DateTimeOffset expiration) => new()
    {
        ["accessKeyId"] = accessKeyId,
        ["expiration"] = CloudTrailTime.JavaMedium(expiration),
    };
}
