using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Irsa.SigV4;

namespace Irsa.Cli.Client;

/// <summary>
/// The CLI's view of a running Irsa: SigV4-signed calls to its public AWS APIs (EKS REST-JSON, IAM/STS query)
/// and bearer-token calls to a cluster's Kubernetes API. Verbs never touch the database.
/// </summary>
internal sealed class IrsaClient(HttpClient http, string endpoint, SigV4Credentials credentials, string region) : IDisposable
{
    public string Endpoint { get; } = endpoint;

    public string Region { get; } = region;

    /// <summary>Sends an EKS REST-JSON call and returns the response object; AWS errors become <see cref="CliError"/>.</summary>
    public async Task<JsonObject> EksAsync(HttpMethod method, string path, JsonObject? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendSignedAsync(method, path, "eks", body?.ToJsonString(), "application/json", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.First() : response.StatusCode.ToString();
            var message = TryParse(text)?["message"]?.GetValue<string>() ?? text;
            throw new CliError($"{code}: {message}");
        }

        return TryParse(text) ?? throw new CliError("the server answered with something that is not JSON");
    }

    /// <summary>Sends an awsQuery call (IAM or STS) and returns the <c>{Action}Result</c> element.</summary>
    public async Task<XElement?> QueryAsync(string service, string action, IEnumerable<KeyValuePair<string, string>> parameters,
        CancellationToken cancellationToken = default)
    {
        var version = service == "iam" ? "2010-05-08" : "2011-06-15";
        var form = string.Join('&', new[] { KeyValuePair.Create("Action", action), KeyValuePair.Create("Version", version) }
            .Concat(parameters)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        using var response = await SendSignedAsync(HttpMethod.Post, "/", service, form, "application/x-www-form-urlencoded; charset=utf-8", cancellationToken);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        if (!response.IsSuccessStatusCode)
        {
            var error = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            throw new AwsCallException(code ?? response.StatusCode.ToString(), message ?? "");
        }

        return document.Descendants().FirstOrDefault(e => e.Name.LocalName == action + "Result");
    }

    /// <summary>A call to a cluster's Kubernetes API with a bearer token; returns status and body.</summary>
    public async Task<(int Status, string Body)> KubernetesAsync(string clusterEndpoint, string token, HttpMethod method, string path,
        string? json = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, clusterEndpoint.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendSignedAsync(HttpMethod method, string pathAndQuery, string service, string? body, string contentType,
        CancellationToken cancellationToken)
    {
        var uri = new Uri(Endpoint + pathAndQuery);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        if (body is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        var signed = SigV4Signer.Sign(new SigV4Request(method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Payload.FromBytes(bytes)),
            credentials, Region, service, TimeProvider.System.GetUtcNow());
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in signed.HeadersToAdd)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>An AWS error answered by the server (code and message), for verbs that react to specific codes.</summary>
internal sealed class AwsCallException(string code, string message) : CliError($"{code}: {message}")
{
    public string Code { get; } = code;
}
