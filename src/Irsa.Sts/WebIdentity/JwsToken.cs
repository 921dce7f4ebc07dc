using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Irsa.Sts.WebIdentity;

/// <summary>
/// A JWS in compact serialization, split and decoded but not yet trusted: header and payload JSON objects,
/// the exact signing input and the signature bytes.
/// </summary>
/// <remarks>
/// Note: only the compact form with exactly three parts is accepted (no JWE, no JSON serialization), every part
/// must be unpadded base64url, and duplicate member names are rejected in both JSON objects, because two
/// parsers picking different duplicates is a classic signature-bypass.
/// </remarks>
public sealed class JwsToken : IDisposable
{
    private const int MaxJsonDepth = 16;

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private readonly JsonDocument _header;
    private readonly JsonDocument _payload;

    private JwsToken(JsonDocument header, JsonDocument payload, byte[] signingInput, byte[] signature, string unsignedToken)
    {
        _header = header;
        _payload = payload;
        SigningInput = signingInput;
        Signature = signature;
        UnsignedToken = unsignedToken;
    }

    public JsonElement Header => _header.RootElement;

    public JsonElement Payload => _payload.RootElement;

    /// <summary>ASCII <c>header.payload</c>: what the signature covers.</summary>
    public byte[] SigningInput { get; }

    public byte[] Signature { get; }

    /// <summary>The token without its signature: safe to log.</summary>
    public string UnsignedToken { get; }

    /// <summary>The <c>alg</c> header, or <c>null</c> when absent or not a string.</summary>
    public string? Algorithm => HeaderString("alg");

    /// <summary>The <c>kid</c> header, or <c>null</c> when absent or not a string.</summary>
    public string? KeyId => HeaderString("kid");

    /// <summary>Splits and decodes <paramref name="token"/>; <c>false</c> for anything that is not a compact JWS with JSON objects.</summary>
    public static bool TryParse(string token, [NotNullWhen(true)] out JwsToken? jws)
    {
        ArgumentNullException.ThrowIfNull(token);
        jws = null;
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        var signingInput = Encoding.ASCII.GetBytes(token, 0, second);
        if (!IsAscii(token)
            || !TryDecode(token.AsSpan(0, first), out var headerBytes)
            || !TryDecode(token.AsSpan(first + 1, second - first - 1), out var payloadBytes)
            || !TryDecode(token.AsSpan(second + 1), out var signature))
        {
            return false;
        }

        JsonDocument? header = null;
        try
        {
            header = JsonDocument.Parse(headerBytes, JsonOptions);
            var payload = JsonDocument.Parse(payloadBytes, JsonOptions);
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                header.Dispose();
                payload.Dispose();
                return false;
            }

            jws = new JwsToken(header, payload, signingInput, signature, token[..(second + 1)]);
            return true;
        }
        catch (JsonException)
        {
            header?.Dispose();
            return false;
        }
    }

    /// <summary>Whether the header has a member of that name (whatever its value).</summary>
    public bool HasHeader(string name) => Header.TryGetProperty(name, out _);

    public void Dispose()
    {
        _header.Dispose();
        _payload.Dispose();
    }

    private string? HeaderString(string name) =>
        Header.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7E || c < 0x21)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDecode(ReadOnlySpan<char> part, out byte[] bytes)
    {
        bytes = [];
        // Padding and the standard alphabet are not base64url; Base64Url.IsValid accepts padding, so reject it first.
        if (part.Contains('=') || !Base64Url.IsValid(part, out var length))
        {
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(part, bytes, out var written) && written == length;
    }
}
