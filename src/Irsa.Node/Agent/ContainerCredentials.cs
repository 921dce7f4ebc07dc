using System.Globalization;
using System.Text.Json;

namespace Irsa.Node.Agent;

/// <summary>Credentials eks-auth issued for one pod: what the agent serves in the container credentials format.</summary>
public sealed record ContainerCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, string AccountId, DateTimeOffset Expiration)
{
    /// <summary>
    /// AWS's container credentials JSON (<c>AccessKeyId</c>, <c>SecretAccessKey</c>, <c>Token</c>, <c>AccountId</c>,
    /// <c>Expiration</c>). <c>Expiration</c> is written <c>yyyy-MM-ddTHH:mm:ssZ</c>, which every SDK's RFC 3339 parser reads.
    /// </summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(nameof(AccessKeyId), AccessKeyId);
            json.WriteString(nameof(SecretAccessKey), SecretAccessKey);
            json.WriteString("Token", SessionToken);
            json.WriteString(nameof(AccountId), AccountId);
            json.WriteString(nameof(Expiration), Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"ContainerCredentials({AccessKeyId}, secret redacted, expires {Expiration:O})";
}
