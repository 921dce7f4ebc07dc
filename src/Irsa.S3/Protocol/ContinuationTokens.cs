using System.Buffers.Text;
using System.Text;
using Irsa.Core.Aws;

namespace Irsa.S3.Protocol;

/// <summary>Opaque continuation tokens: URL-safe base64 of the last name or key returned.</summary>
internal static class ContinuationTokens
{
    public static string Encode(string lastItem) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastItem));

    public static string Decode(string token, string argumentName)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new AwsErrorException(S3Errors.InvalidArgument("The continuation token provided is incorrect", argumentName, token));
        }
    }
}
