using System.Text;
using System.Text.Json;
using Irsa.SigV4;

namespace Irsa.Node.Agent;

/// <summary>
/// Calls eks-auth's <c>POST /clusters/{name}/assume-role-for-pod-identity</c>, SigV4-signed for service <c>eks-auth</c> with
/// the node's credentials (read from <paramref name="nodeCredentials"/> on every call, so rotated credentials are used).
/// </summary>
public sealed class EksAuthClient(HttpClient http, Uri endpoint, string clusterName, string region, Func<SigV4Credentials> nodeCredentials,
    TimeProvider? time = null) : IEksAuthClient
{
    public const string SigningName = "eks-auth";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<ContainerCredentials> AssumeRoleForPodIdentityAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var uri = new Uri(endpoint, $"{endpoint.AbsolutePath.TrimEnd('/')}/clusters/{Uri.EscapeDataString(clusterName)}/assume-role-for-pod-identity");
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["token"] = token });
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority), new("content-type", "application/json") };
        var signed = SigV4Signer.Sign(new SigV4Request("POST", uri.AbsolutePath, "", headers, SigV4Payload.FromBytes(body)), nodeCredentials(), region,
            SigningName, _time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        foreach (var (name, value) in signed.HeadersToAdd)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new EksAuthException("eks-auth could not be reached: " + e.Message, e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() ?? "" : "";
            if (!response.IsSuccessStatusCode)
            {
                throw Error((int)response.StatusCode, text, requestId, response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null);
            }

            return Parse(text, requestId);
        }
    }

    private static ContainerCredentials Parse(byte[] body, string requestId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var credentials = document.RootElement.GetProperty("credentials");
            var arn = document.RootElement.GetProperty("assumedRoleUser").GetProperty("arn").GetString() ?? "";
            var account = arn.Split(':') is { Length: > 4 } parts ? parts[4] : "";
            return new ContainerCredentials(
                credentials.GetProperty("accessKeyId").GetString()!,
                credentials.GetProperty("secretAccessKey").GetString()!,
                credentials.GetProperty("sessionToken").GetString()!,
                account,
                DateTimeOffset.FromUnixTimeMilliseconds((long)(credentials.GetProperty("expiration").GetDouble() * 1000)));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or NullReferenceException)
        {
            throw new EksAuthException(500, "InternalServerException", "eks-auth answered an unreadable response", requestId);
        }
    }

    /// <summary>The code from <c>x-amzn-ErrorType</c> (before any <c>:</c>), else the body's <c>__type</c> or <c>code</c>.</summary>
    private static EksAuthException Error(int status, byte[] body, string requestId, string? errorType)
    {
        string? code = errorType?.Split(':')[0];
        var message = "";
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            code ??= (root.TryGetProperty("__type", out var type) || root.TryGetProperty("code", out type)) ? type.GetString()?.Split('#')[^1] : null;
            message = (root.TryGetProperty("message", out var text) || root.TryGetProperty("Message", out text)) ? text.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            message = Encoding.UTF8.GetString(body);
        }

        return new EksAuthException(status, code ?? "InternalServerException", message, requestId);
    }
}
