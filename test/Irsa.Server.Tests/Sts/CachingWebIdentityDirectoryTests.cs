using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Server.Sts;
using Irsa.Sts.WebIdentity;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Server.Tests.Sts;

/// <summary>
/// The attack: unsigned tokens whose <c>iss</c> is a registered issuer spelled ever differently (<c>/</c>×k, host case).
/// The lookup folds the spellings, so the cache must too: one entry, not one per spelling.
/// </summary>
public sealed class CachingWebIdentityDirectoryTests
{
    private const string Account = "111122223333";
    private const string Issuer = "https://oidc.example.test/id/ABC";

    /// <summary>Resolves every spelling of <see cref="Issuer"/> as the IAM store does, counting lookups.</summary>
    private sealed class CountingDirectory : IWebIdentityDirectory
    {
        public int ProviderLookups { get; private set; }

        public Task<OpenIdConnectProviderInfo?> GetProviderAsync(string accountId, string issuer, CancellationToken cancellationToken)
        {
            ProviderLookups++;
            var provider = issuer.TrimEnd('/').Equals(Issuer, StringComparison.OrdinalIgnoreCase) || issuer.StartsWith("https://distinct", StringComparison.Ordinal)
                ? new OpenIdConnectProviderInfo(accountId, issuer["https://".Length..].TrimEnd('/'), issuer.TrimEnd('/'), "arn", [], [])
                : null;
            return Task.FromResult(provider);
        }

        public Task<RoleInfo?> GetRoleAsync(string roleArn, CancellationToken cancellationToken) => Task.FromResult<RoleInfo?>(null);

        public Task<PolicyEntry?> GetManagedPolicyAsync(string accountId, string policyArn, CancellationToken cancellationToken) =>
            Task.FromResult<PolicyEntry?>(null);

        public Task RecordRoleUsedAsync(string roleArn, string region, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Spellings_of_one_issuer_share_one_cache_entry()
    {
        var inner = new CountingDirectory();
        await using var directory = new CachingWebIdentityDirectory(inner, new FakeTimeProvider());

        for (var k = 0; k < 2000; k++)
        {
            var spelling = (k % 2 == 0 ? Issuer : Issuer.Replace("oidc.example", "OIDC.Example", StringComparison.Ordinal)) + new string('/', k);
            Assert.NotNull(await directory.GetProviderAsync(Account, spelling, CancellationToken.None));
        }

        Assert.Equal(1, inner.ProviderLookups);
    }

    [Fact]
    public async Task Distinct_issuers_are_bounded_and_the_least_recently_used_goes_first()
    {
        var inner = new CountingDirectory();
        await using var directory = new CachingWebIdentityDirectory(inner, new FakeTimeProvider());
        static string Distinct(int i) => $"https://distinct{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}.test";

        for (var i = 0; i <= CachingWebIdentityDirectory.Capacity; i++)
        {
            await directory.GetProviderAsync(Account, Distinct(i), CancellationToken.None);
        }

        var lookups = inner.ProviderLookups;
        await directory.GetProviderAsync(Account, Distinct(CachingWebIdentityDirectory.Capacity), CancellationToken.None);
        Assert.Equal(lookups, inner.ProviderLookups);
        await directory.GetProviderAsync(Account, Distinct(0), CancellationToken.None);
        Assert.Equal(lookups + 1, inner.ProviderLookups);
    }
}
