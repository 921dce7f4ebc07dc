using Irsa.Cluster.Keys;
using Irsa.Core.Json;

namespace Irsa.Cluster.Discovery;

/// <summary>Renders the JWK set served at <c>/openid/v1/jwks</c>, byte-compatible with kube-apiserver.</summary>
public static class JwksDocument
{
    /// <summary>
    /// Builds <c>{"keys":[...]}</c> with one public JWK per key, in the given order. Only public material is written.
    /// </summary>
    public static byte[] Create(IEnumerable<ClusterSigningKey> publishedKeys)
    {
        ArgumentNullException.ThrowIfNull(publishedKeys);
        var writer = new GoJsonWriter(1024);
        writer.StartObject();
        writer.Name("keys");
        writer.StartArray();
        foreach (var key in publishedKeys)
        {
            key.WriteJwk(writer);
        }

        writer.EndArray();
        writer.EndObject();
        return writer.ToArray();
    }
}
