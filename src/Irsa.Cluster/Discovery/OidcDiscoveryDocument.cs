using System.Globalization;
using Irsa.Cluster.Keys;
using Irsa.Core.Json;

namespace Irsa.Cluster.Discovery;

/// <summary>Renders the OIDC discovery document served at <c>/.well-known/openid-configuration</c>.</summary>
/// <remarks>
/// kube-apiserver writes exactly five fields in a fixed order; relying parties (go-oidc, AWS IAM) compare
/// <c>issuer</c> byte for byte with the tokens' <c>iss</c>, so the issuer is written verbatim (no slash normalisation).
/// </remarks>
public static class OidcDiscoveryDocument
{
    /// <summary>Builds the document bytes.</summary>
    /// <param name="issuer">The first service-account issuer, exactly as it appears in tokens.</param>
    /// <param name="jwksUri">Absolute URL of the JWK set.</param>
    /// <param name="signingAlgorithms">Algorithms of the published keys; sorted and de-duplicated here.</param>
    public static byte[] Create(string issuer, string jwksUri, IEnumerable<SigningAlgorithm> signingAlgorithms)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(jwksUri);
        ArgumentNullException.ThrowIfNull(signingAlgorithms);

        var algorithms = signingAlgorithms
            .Select(a => a.ToJoseName())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        var writer = new GoJsonWriter(512);
        writer.StartObject();
        writer.StringField("issuer", issuer);
        writer.StringField("jwks_uri", jwksUri);
        writer.StringArrayField("response_types_supported", ["id_token"]);
        writer.StringArrayField("subject_types_supported", ["public"]);
        writer.StringArrayField("id_token_signing_alg_values_supported", algorithms);
        writer.EndObject();
        return writer.ToArray();
    }

    /// <summary>Builds the document for a set of published keys.</summary>
    public static byte[] Create(string issuer, string jwksUri, IEnumerable<ClusterSigningKey> publishedKeys)
    {
        ArgumentNullException.ThrowIfNull(publishedKeys);
        return Create(issuer, jwksUri, publishedKeys.Select(k => k.Algorithm));
    }

    /// <summary>
    /// The default <c>jwks_uri</c> for an issuer when none is configured: the issuer with <c>/openid/v1/jwks</c> appended.
    /// </summary>
    /// <remarks>
    /// kube-apiserver derives it from its own external address; Irsa serves the documents under the issuer URL instead.
    /// </remarks>
    public static string DefaultJwksUri(string issuer)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        return string.Create(CultureInfo.InvariantCulture, $"{issuer.TrimEnd('/')}{DiscoveryHttp.JwksPath}");
    }
}
