using System.Net;
using Irsa.Server.Aws;

namespace Irsa.Server.S3;

/// <summary>Where an S3 request names its bucket: in the path (<c>/bucket/key</c>) or in the host (<c>bucket.localhost:PORT</c>).</summary>
/// <param name="Bucket">The bucket, or <c>null</c> for the service (ListBuckets).</param>
/// <param name="Key">The key, percent-decoded once and never normalised (<c>a//b</c> and <c>../x</c> are keys), or <c>null</c>.</param>
/// <param name="VirtualHosted">Whether the bucket came from the host.</param>
public sealed record S3Address(string? Bucket, string? Key, bool VirtualHosted)
{
    /// <summary>The path's escapes did not decode to UTF-8: S3's <c>InvalidURI</c>.</summary>
    public bool InvalidUri { get; init; }
}

/// <summary>
/// S3's two addressing styles on Irsa's one listener, as the SDKs choose them with an endpoint override: botocore sends
/// path style to any configured endpoint; the .NET and JavaScript SDKs send virtual-hosted style to a host name
/// (<c>bucket.localhost:PORT</c>) and path style to an IP address. Both are served, for <c>localhost</c> and for the
/// host of the public URL.
/// </summary>
public sealed class S3Addressing(Func<string> publicUrl)
{
    /// <summary>The address of an S3 request: virtual-hosted when the host is <c>BUCKET.</c> a service host, otherwise
    /// path style when the credential scope names <c>s3</c>; <c>null</c> when the request is not S3's.</summary>
    public S3Address? Claim(AwsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = HostName(request.Host);
        if (BucketOfHost(host) is { } bucket)
        {
            var raw = request.RawPath.Length > 1 ? request.RawPath[1..] : string.Empty;
            return new S3Address(bucket, KeyOf(raw), VirtualHosted: true) { InvalidUri = !IsUtf8(raw) };
        }

        if (request.ScopeService != "s3" && !IsSignatureVersion2(request.Header("Authorization"), request.Query.Has("AWSAccessKeyId")))
        {
            return null;
        }

        var path = request.RawPath.TrimStart('/');
        if (path.Length == 0)
        {
            return new S3Address(null, null, VirtualHosted: false);
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return (slash < 0
            ? new S3Address(Uri.UnescapeDataString(path), null, VirtualHosted: false)
            : new S3Address(Uri.UnescapeDataString(path[..slash]), KeyOf(path[(slash + 1)..]), VirtualHosted: false)) with
        { InvalidUri = !IsUtf8(path) };
    }

    /// <summary>Whether a raw path's percent-escapes decode to well-formed UTF-8 (.NET would keep a bad escape as text).</summary>
    private static bool IsUtf8(string raw)
    {
        if (!raw.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && char.IsAsciiHexDigit(raw[i + 1]) && char.IsAsciiHexDigit(raw[i + 2]))
            {
                bytes.Add(Convert.FromHexString(raw.AsSpan(i + 1, 2))[0]);
                i += 2;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(raw[i].ToString()));
            }
        }

        return System.Text.Unicode.Utf8.IsValid(bytes.ToArray());
    }

    /// <summary>
    /// Whether an HTTP request is S3's, cheaply, before routing: S3 paths may collide with Irsa's own endpoints (a bucket
    /// named <c>healthz</c>), so S3 requests are handed to the AWS pipeline before any endpoint runs.
    /// </summary>
    public bool Claims(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        return authorization.Contains("/s3/aws4_request", StringComparison.Ordinal)
            || request.Query["X-Amz-Credential"].ToString().Contains("/s3/aws4_request", StringComparison.Ordinal)
            || IsSignatureVersion2(authorization, request.Query.ContainsKey("AWSAccessKeyId"))
            || BucketOfHost(HostName(request.Headers.Host.ToString())) is not null;
    }

    /// <summary>S3's legacy signature (<c>Authorization: AWS KEY:SIG</c>, or a presigned URL with <c>AWSAccessKeyId</c>):
    /// only S3 ever had it, so the request is S3's, and is refused in S3's words.</summary>
    public static bool IsSignatureVersion2(string? authorization, bool presignedKey) =>
        presignedKey || authorization?.StartsWith("AWS ", StringComparison.Ordinal) == true;

    /// <summary>The key of a raw path remainder: <c>null</c> when empty (the bucket itself).</summary>
    private static string? KeyOf(string raw) => raw.Length == 0 ? null : Uri.UnescapeDataString(raw);

    private string? BucketOfHost(string host)
    {
        // An IP address is never virtual-hosted (the SDKs' endpoint rules force path style for it).
        if (host.Length == 0 || IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return null;
        }

        foreach (var service in ServiceHosts())
        {
            if (host.Length > service.Length + 1 && host.EndsWith("." + service, StringComparison.OrdinalIgnoreCase))
            {
                return host[..^(service.Length + 1)];
            }
        }

        return null;
    }

    private IEnumerable<string> ServiceHosts()
    {
        yield return "localhost";
        if (Uri.TryCreate(publicUrl(), UriKind.Absolute, out var url) && url.HostNameType == UriHostNameType.Dns
            && !string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            yield return url.Host;
        }
    }

    /// <summary>The host without its port (<c>[::1]:9000</c> → <c>[::1]</c>).</summary>
    private static string HostName(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(']', StringComparison.Ordinal) < colon ? host[..colon] : host;
    }
}
