using System.Text.Json;
using Irsa.Core.Aws;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Policy;
using Irsa.Storage;

namespace Irsa.Iam.Roles;

/// <summary>
/// IAM refuses trust policies that name principals which do not exist: OIDC providers under <c>Federated</c>, and
/// roles or users under <c>AWS</c> (<c>Invalid principal in policy: "Federated":"arn:…"</c>).
/// </summary>
/// <remarks>Note: runs after the engine accepted the document, so the JSON is known to be well formed.</remarks>
internal static class TrustPrincipalCheck
{
    public static async Task EnsurePrincipalsExistAsync(IDocumentSession session, string document)
    {
        using var json = JsonDocument.Parse(document);
        if (!json.RootElement.TryGetProperty("Statement", out var statements))
        {
            return;
        }

        foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements])
        {
            if (statement.ValueKind != JsonValueKind.Object || !statement.TryGetProperty("Principal", out var principal)
                || principal.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var (type, value) in principal.EnumerateObject().SelectMany(p => Values(p.Value).Select(v => (p.Name, v))))
            {
                if (!await ExistsAsync(session, type, value))
                {
                    throw new AwsErrorException(AwsError.MalformedPolicyDocument(PolicyMessages.InvalidPrincipal(type, value)));
                }
            }
        }
    }

    private static IEnumerable<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
        _ => [],
    };

    private static async Task<bool> ExistsAsync(IDocumentSession session, string type, string value)
    {
        if (type == "Federated" && OpenIdConnectProviderUrl.FromArn(value) is { } provider)
        {
            return await session.GetAsync(IamCollections.OpenIdConnectProviders, OpenIdConnectProviderUrl.Key(provider.AccountId, provider.Url)) is not null;
        }

        if (type == "AWS" && Arn.TryParse(value, out var arn) && arn.Service == "iam" && AwsIds.IsAccountId(arn.Account) && !value.Contains('*', StringComparison.Ordinal))
        {
            var name = arn.Resource[(arn.Resource.LastIndexOf('/') + 1)..];
            var collection = arn.Resource.StartsWith("role/", StringComparison.Ordinal) ? IamCollections.Roles
                : arn.Resource.StartsWith("user/", StringComparison.Ordinal) ? IamCollections.Users
                : null;
            return collection is null || await session.GetAsync(collection, IamCollections.NameKey(arn.Account, name)) is not null;
        }

        return true;
    }
}
