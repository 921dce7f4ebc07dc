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
internal sealed class IrsaClient(HttpClient http, ClientSettings settings, ServerCertificatePolicy certificates) : IDisposable
{
    /// <summary>Errors that say the keys are wrong: the message then names where the keys came from.</summary>
    private static readonly HashSet<string> CredentialErrors =
        ["InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException", "ExpiredToken", "ExpiredTokenException"];

    public string Endpoint => settings.Endpoint;

    public string Region => settings.Region;

    /// <summary>The CA bundle trusted besides the system roots, for the processes <c>pod run</c> starts.</summary>
    public string? CaBundleFile => settings.CaBundleFile;

    /// <summary>The server-certificate checks of this client, also used to read an issuer's chain.</summary>
    public ServerCertificatePolicy Certificates => certificates;

    public static IrsaClient Create(ClientSettings settings)
    {
        // Loaded for http endpoints too: an issuer's public URL may be https (associate-oidc-provider reads its chain).
        var certificates = ServerCertificatePolicy.Load(settings.CaBundleFile);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                certificates.Validate(request.RequestUri!.Host, certificate, chain, errors),
        };
        return new IrsaClient(new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(100) }, settings, certificates);
    }

    /// <summary>eks-auth as the Pod Identity agent calls it, signed with this client's credentials (the node's).</summary>
    public Irsa.Node.Agent.EksAuthClient EksAuth(string clusterName) => new(http, new Uri(Endpoint), clusterName, Region, () => settings.Credentials);

    /// <summary>Sends an EKS REST-JSON call and returns the response object; AWS errors become <see cref="CliError"/>.</summary>
    public async Task<JsonObject> EksAsync(HttpMethod method, string path, JsonObject? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendSignedAsync(method, path, "eks", body?.ToJsonString(), "application/json", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.First().Split(':')[0] : response.StatusCode.ToString();
            var message = (TryParse(text)?["message"] as JsonValue)?.ToString() ?? $"HTTP {(int)response.StatusCode} from {Endpoint}, not an AWS error: is it an Irsa server?";
            throw Error(code, message);
        }

        return TryParse(text) ?? throw new CliError("the server answered with something that is not JSON");
    }

    /// <summary>Sends an awsJson 1.1 call (CloudTrail's API and Irsa's audit extensions) and returns the response object.</summary>
    public async Task<JsonObject> JsonAsync(string service, string target, JsonObject body, CancellationToken cancellationToken = default)
    {
        using var response = await SendSignedAsync(HttpMethod.Post, "/", service, body.ToJsonString(), "application/x-amz-json-1.1", cancellationToken,
            KeyValuePair.Create("x-amz-target", target));
        var json = TryParse(await response.Content.ReadAsStringAsync(cancellationToken))
            ?? throw new CliError($"HTTP {(int)response.StatusCode} from {Endpoint} is not an AWS answer: is it an Irsa server?");
        if (!response.IsSuccessStatusCode)
        {
            // awsJson names the error in __type, possibly qualified by a namespace ("ns#Code").
            var code = json.Text("__type")?.Split('#')[^1] ?? response.StatusCode.ToString();
            throw Error(code, json.Text("message") ?? json.Text("Message") ?? "");
        }

        return json;
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
        var document = TryParseXml(await response.Content.ReadAsStringAsync(cancellationToken))
            ?? throw new CliError($"HTTP {(int)response.StatusCode} from {Endpoint} is not an AWS answer: is it an Irsa server?");
        if (!response.IsSuccessStatusCode)
        {
            var error = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            throw Error(code ?? response.StatusCode.ToString(), message ?? "");
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

        using var response = await SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendSignedAsync(HttpMethod method, string pathAndQuery, string service, string? body, string contentType,
        CancellationToken cancellationToken, params KeyValuePair<string, string>[] extraHeaders)
    {
        var uri = new Uri(Endpoint + pathAndQuery);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        headers.AddRange(extraHeaders);
        if (body is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        var signed = SigV4Signer.Sign(new SigV4Request(method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Payload.FromBytes(bytes)),
            settings.Credentials, Region, service, TimeProvider.System.GetUtcNow());
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in signed.HeadersToAdd.Concat(extraHeaders))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Sends a request; a refused server certificate becomes one line saying why, not .NET's generic TLS error.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException) when (certificates.Rejection is { } reason)
        {
            throw new CliError($"refusing to talk to {request.RequestUri!.Authority}: {reason}");
        }
        catch (TaskCanceledException error) when (error.InnerException is TimeoutException)
        {
            throw new CliError($"{request.RequestUri!.Authority} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    private AwsCallException Error(string code, string message) =>
        new(code, CredentialErrors.Contains(code) ? $"{message} (credentials from {settings.CredentialSource})" : message);

    private static XDocument? TryParseXml(string text)
    {
        try
        {
            return XDocument.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
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
