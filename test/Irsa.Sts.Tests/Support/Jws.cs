using System.Buffers.Text;
using System.Text;
using Irsa.Cluster.Keys;

namespace Irsa.Sts.Tests.Support;

/// <summary>Hand-built compact JWS for attack cases.</summary>
internal static class Jws
{
    public static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public static string Unsigned(string headerJson, string payloadJson) => B64(headerJson) + "." + B64(payloadJson);

    public static string Sign(ClusterSigningKey key, string headerJson, string payloadJson)
    {
        var input = Unsigned(headerJson, payloadJson);
        return input + "." + B64(key.Sign(Encoding.ASCII.GetBytes(input)));
    }

    public static string SignWith(Func<byte[], byte[]> signer, string headerJson, string payloadJson)
    {
        var input = Unsigned(headerJson, payloadJson);
        return input + "." + B64(signer(Encoding.ASCII.GetBytes(input)));
    }
}
