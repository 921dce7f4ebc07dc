using System.Text;
using System.Xml.Linq;
using Irsa.Cluster.Discovery;
using Irsa.Cluster.Keys;
using Irsa.Cluster.Tokens;
using Irsa.Core.Query;
using Irsa.Iam.Queries;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Sts.Tests.Support;

/// <summary>
/// An STS wired to fakes: one issuer (<see cref="Issuer"/>) whose discovery and JWKS are served by <see cref="Handler"/>,
/// one account with an OIDC provider and a role trusting <c>default/app</c>.
/// </summary>
internal sealed class StsTestBed : IDisposable
{
    public const string Account = "111122223333";
    public const string Issuer = "https://oidc.test/id/ABC";
    public const string ProviderUrl = "oidc.test/id/ABC";
    public const string ProviderArn = "arn:aws:iam::111122223333:oidc-provider/oidc.test/id/ABC";
    public const string RoleArn = "arn:aws:iam::111122223333:role/irsa-app";
    public const string DiscoveryUrl = Issuer + "/.well-known/openid-configuration";
    public const string JwksUrl = Issuer + "/openid/v1/jwks";

    public static readonly string TrustPolicy = TrustFor("system:serviceaccount:default:app");

    public StsTestBed(SigningAlgorithm algorithm = SigningAlgorithm.RS256, StsOptions? options = null, IClusterIssuerDirectory? clusters = null)
    {
        Key = ClusterSigningKey.Generate(algorithm);
        PublishKeys(Key);
        Directory.Providers.Add(new OpenIdConnectProviderInfo(Account, ProviderUrl, Issuer, ProviderArn, ["sts.amazonaws.com"], []));
        Role = Directory.AddRole(Account, "irsa-app", TrustPolicy, maxSessionDuration: 7200);
        Liveness = new FakeLiveness(Issuer);
        Liveness.LiveUids.Add("pod-uid-1");
        Api = StsApi.Create(Directory, SessionKeyRing.Generate(Time.GetUtcNow()), Time, options, Liveness, _ => Handler, clusters);
        Tokens = new ServiceAccountTokenIssuer(Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero));

    public FakeOidcHandler Handler { get; } = new();

    public FakeDirectory Directory { get; } = new();

    public FakeLiveness Liveness { get; }

    public ClusterSigningKey Key { get; }

    public RoleInfo Role { get; }

    public StsApi Api { get; }

    public ServiceAccountTokenIssuer Tokens { get; }

    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    public static string TrustFor(string subject) =>
        $$$$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"{{{{ProviderArn}}}}"},
         "Action":"sts:AssumeRoleWithWebIdentity",
         "Condition":{"StringEquals":{"{{{{ProviderUrl}}}}:sub":"{{{{subject}}}}","{{{{ProviderUrl}}}}:aud":"sts.amazonaws.com"}}}]}
        """;

    public void PublishKeys(params ClusterSigningKey[] keys)
    {
        Handler.Serve(DiscoveryUrl, OidcDiscoveryDocument.Create(Issuer, JwksUrl, keys), "public, max-age=3600");
        Handler.Serve(JwksUrl, JwksDocument.Create(keys), "public, max-age=3600");
    }

    /// <summary>A real Kubernetes-shaped, pod-bound token for <c>default/app</c>.</summary>
    public string Mint(string ns = "default", string serviceAccount = "app", string audience = "sts.amazonaws.com", string podUid = "pod-uid-1",
        ClusterSigningKey? key = null, string issuer = Issuer, ObjectRef? node = null) =>
        Tokens.Issue(key ?? Key, new ServiceAccountTokenClaims
        {
            Issuer = issuer,
            Namespace = ns,
            ServiceAccount = new ObjectRef(serviceAccount, "sa-uid-1"),
            Audiences = [audience],
            ExpirationSeconds = 86400,
            Pod = new ObjectRef("app-7d9f", podUid),
            Node = node,
        }).Token;

    /// <summary>A standard header for hand-built tokens signed with <see cref="Key"/>.</summary>
    public string Header(string? extra = null) => $$"""{"alg":"{{Key.Algorithm}}","kid":"{{Key.KeyId}}"{{extra}}}""";

    /// <summary>A standard payload for hand-built tokens; <paramref name="overrides"/> replaces whole members.</summary>
    public string Payload(Dictionary<string, string?>? overrides = null)
    {
        var members = new Dictionary<string, string?>
        {
            ["aud"] = "[\"sts.amazonaws.com\"]",
            ["exp"] = (Now + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["iat"] = Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["iss"] = "\"" + Issuer + "\"",
            ["nbf"] = Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sub"] = "\"system:serviceaccount:default:app\"",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            members[key] = value;
        }

        return "{" + string.Join(",", members.Where(m => m.Value is not null).Select(m => "\"" + m.Key + "\":" + m.Value)) + "}";
    }

    public Task<StsResult> AssumeAsync(string token, string roleArn = RoleArn, string sessionName = "s1", params (string Key, string Value)[] extra)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("Action", "AssumeRoleWithWebIdentity"),
            new("Version", "2011-06-15"),
            new("RoleArn", roleArn),
            new("RoleSessionName", sessionName),
            new("WebIdentityToken", token),
        };
        parameters.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return Api.ExecuteAsync("AssumeRoleWithWebIdentity", new QueryParameters(parameters), null, "req-1");
    }

    public static XElement Result(StsResult result)
    {
        Assert.True(result.IsSuccess, result.Error?.Code + ": " + result.Error?.Message + " / " + result.Detail);
        var document = XDocument.Parse(Encoding.UTF8.GetString(result.Body!));
        XNamespace ns = StsProtocol.Namespace;
        return document.Root!.Element(ns + "AssumeRoleWithWebIdentityResult") ?? document.Root!.Element(ns + "GetCallerIdentityResult")!;
    }

    public static string Value(XElement element, params string[] path)
    {
        XNamespace ns = StsProtocol.Namespace;
        foreach (var name in path)
        {
            element = element.Element(ns + name) ?? throw new InvalidOperationException("missing " + name);
        }

        return element.Value;
    }

    public void Dispose()
    {
        Api.Dispose();
        Key.Dispose();
    }
}
