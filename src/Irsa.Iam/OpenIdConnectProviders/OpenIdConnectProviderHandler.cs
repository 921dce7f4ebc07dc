using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Common;
using Irsa.Storage;

namespace Irsa.Iam.OpenIdConnectProviders;

/// <summary>The <c>*OpenIDConnectProvider*</c> actions.</summary>
internal sealed class OpenIdConnectProviderHandler(IDocumentStore store, TimeProvider timeProvider)
{
    public const int MaxProvidersPerAccount = 100;
    public const int MaxClientIds = 100;
    public const int MaxThumbprints = 5;

    public async Task<byte[]> CreateAsync(IamRequest request)
    {
        var reader = request.Reader;
        var url = reader.Required("Url", 1, 255);
        var clientIds = reader.OptionalList("ClientIDList", 1, 255) ?? [];
        var thumbprints = reader.OptionalList("ThumbprintList", 40, 40) ?? [];
        var tags = reader.OptionalTags() ?? [];
        reader.ThrowIfInvalid();
        RequestReader.CheckTagRules(tags);
        var (scheme, normalized) = OpenIdConnectProviderUrl.Parse(url);
        var distinctClientIds = clientIds.Distinct(StringComparer.Ordinal).ToList();
        CheckClientIdCount(distinctClientIds.Count);
        CheckThumbprints(thumbprints);

        var record = new OpenIdConnectProviderRecord
        {
            AccountId = request.AccountId,
            Url = normalized,
            Scheme = scheme,
            CreateDate = timeProvider.GetUtcNow(),
            ClientIds = distinctClientIds,
            Thumbprints = [.. thumbprints.Select(t => t.ToLowerInvariant())],
            Tags = tags,
        };

        await store.TransactAsync(async session =>
        {
            var key = OpenIdConnectProviderUrl.Key(request.AccountId, normalized);
            if (await session.GetAsync(IamCollections.OpenIdConnectProviders, key) is not null)
            {
                throw IamRequest.Error(AwsError.EntityAlreadyExists($"Provider with url {url} already exists."));
            }

            var existing = await session.ListAsync(IamCollections.OpenIdConnectProviders, IamCollections.AccountPrefix(request.AccountId));
            if (existing.Count >= MaxProvidersPerAccount)
            {
                throw IamRequest.Error(AwsError.LimitExceeded($"Cannot exceed quota for OpenIdConnectProvidersPerAccount: {MaxProvidersPerAccount}"));
            }

            await session.PutAsync(IamCollections.OpenIdConnectProviders, key, record, expectedVersion: 0);
        });

        return request.Respond(xml =>
        {
            xml.WriteElementString("OpenIDConnectProviderArn", record.Arn);
            IamTags.WriteIfAny(xml, record.Tags);
        });
    }

    public async Task<byte[]> GetAsync(IamRequest request)
    {
        var provider = await LoadAsync(request);
        return request.Respond(xml =>
        {
            xml.WriteElementString("Url", provider.Url);
            xml.WriteList("ClientIDList", provider.ClientIds);
            xml.WriteList("ThumbprintList", provider.Thumbprints);
            xml.WriteElementString("CreateDate", QueryXml.Timestamp(provider.CreateDate));
            IamTags.Write(xml, provider.Tags);
        });
    }

    public async Task<byte[]> ListAsync(IamRequest request)
    {
        request.Reader.ThrowIfInvalid();
        var providers = await store.ListRecordsAsync<OpenIdConnectProviderRecord>(IamCollections.OpenIdConnectProviders,
            IamCollections.AccountPrefix(request.AccountId), CancellationToken.None);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("OpenIDConnectProviderList");
            foreach (var provider in providers)
            {
                xml.WriteStartElement("member");
                xml.WriteElementString("Arn", provider.Arn);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        });
    }

    /// <summary>Deletes a provider; a missing one is <c>NoSuchEntity</c> (modelled by AWS), consistent with every other delete here.</summary>
    public async Task<byte[]> DeleteAsync(IamRequest request)
    {
        await UpdateAsync(request, delete: true, _ => null);
        return request.RespondEmpty();
    }

    public async Task<byte[]> AddClientIdAsync(IamRequest request)
    {
        var clientId = request.Reader.Required("ClientID", 1, 255);
        await UpdateAsync(request, delete: false, provider =>
        {
            if (provider.ClientIds.Contains(clientId, StringComparer.Ordinal))
            {
                return null;
            }

            CheckClientIdCount(provider.ClientIds.Count + 1);
            return provider with { ClientIds = [.. provider.ClientIds, clientId] };
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> RemoveClientIdAsync(IamRequest request)
    {
        var clientId = request.Reader.Required("ClientID", 1, 255);
        await UpdateAsync(request, delete: false, provider =>
            provider.ClientIds.Contains(clientId, StringComparer.Ordinal)
                ? provider with { ClientIds = [.. provider.ClientIds.Where(c => c != clientId)] }
                : null);
        return request.RespondEmpty();
    }

    public async Task<byte[]> UpdateThumbprintAsync(IamRequest request)
    {
        var thumbprints = request.Reader.RequiredList("ThumbprintList", 40, 40);
        await UpdateAsync(request, delete: false, provider =>
        {
            CheckThumbprints(thumbprints);
            return provider with { Thumbprints = [.. thumbprints.Select(t => t.ToLowerInvariant())] };
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> TagAsync(IamRequest request)
    {
        var tags = request.Reader.RequiredTags();
        await UpdateAsync(request, delete: false, provider =>
        {
            RequestReader.CheckTagRules(tags);
            return provider with { Tags = IamTags.Merge(provider.Tags, tags) };
        });
        return request.RespondEmpty();
    }

    public async Task<byte[]> UntagAsync(IamRequest request)
    {
        var keys = request.Reader.RequiredList("TagKeys", 1, 128, IamPatterns.TagKey(), IamPatterns.TagKeyText);
        await UpdateAsync(request, delete: false, provider => provider with { Tags = IamTags.Remove(provider.Tags, keys) });
        return request.RespondEmpty();
    }

    public async Task<byte[]> ListTagsAsync(IamRequest request)
    {
        var paging = request.Reader.Paging();
        var provider = await LoadAsync(request);
        var page = Paging.Apply(provider.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), t => t.Key, paging);
        return request.Respond(xml =>
        {
            IamTags.Write(xml, page.Items);
            page.WriteTruncation(xml);
        });
    }

    /// <summary>Reads <c>OpenIDConnectProviderArn</c> and loads the provider from the caller's account.</summary>
    private async Task<OpenIdConnectProviderRecord> LoadAsync(IamRequest request)
    {
        var arn = request.Reader.RequiredArn("OpenIDConnectProviderArn");
        request.Reader.ThrowIfInvalid();
        var key = KeyFor(request, arn);
        return (await store.GetVersionedAsync<OpenIdConnectProviderRecord>(IamCollections.OpenIdConnectProviders, key, CancellationToken.None))?.Value
            ?? throw NotFound(arn);
    }

    /// <summary>Loads, transforms and writes back one provider in a transaction; a <c>null</c> result means "no change".</summary>
    private Task UpdateAsync(IamRequest request, bool delete, Func<OpenIdConnectProviderRecord, OpenIdConnectProviderRecord?> change)
    {
        var arn = request.Reader.RequiredArn("OpenIDConnectProviderArn");
        request.Reader.ThrowIfInvalid();
        var key = KeyFor(request, arn);
        return store.TransactAsync(async session =>
        {
            var current = await session.GetVersionedAsync<OpenIdConnectProviderRecord>(IamCollections.OpenIdConnectProviders, key)
                ?? throw NotFound(arn);
            if (delete)
            {
                await session.DeleteAsync(IamCollections.OpenIdConnectProviders, key);
                return;
            }

            if (change(current.Value) is { } updated)
            {
                await session.PutAsync(IamCollections.OpenIdConnectProviders, key, updated, current.Version);
            }
        });
    }

    private static string KeyFor(IamRequest request, string arn)
    {
        if (OpenIdConnectProviderUrl.FromArn(arn) is not { } parsed)
        {
            throw IamRequest.Error(AwsError.InvalidInput($"ARN {arn} is not valid."));
        }

        // Another account's provider is indistinguishable from a missing one, so accounts stay isolated.
        return parsed.AccountId == request.AccountId
            ? OpenIdConnectProviderUrl.Key(parsed.AccountId, parsed.Url)
            : throw NotFound(arn);
    }

    private static AwsErrorException NotFound(string arn) =>
        IamRequest.Error(AwsError.NoSuchEntity($"OpenIDConnect Provider not found for arn {arn}"));

    private static void CheckClientIdCount(int count)
    {
        if (count > MaxClientIds)
        {
            throw IamRequest.Error(AwsError.LimitExceeded($"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MaxClientIds}"));
        }
    }

    private static void CheckThumbprints(IReadOnlyList<string> thumbprints)
    {
        if (thumbprints.Count > MaxThumbprints)
        {
            throw IamRequest.Error(AwsError.LimitExceeded($"Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {MaxThumbprints}"));
        }

        if (thumbprints.FirstOrDefault(t => !IamPatterns.Thumbprint().IsMatch(t)) is { } bad)
        {
            throw IamRequest.Error(AwsError.InvalidInput($"Thumbprint {bad} is not a 40-character hexadecimal string."));
        }
    }
}
