using Irsa.Iam.Tests.Roles;
using Irsa.Iam.Tests.TestSupport;
using Irsa.Policy;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Queries;

public sealed class IamQueriesTests
{
    [Fact]
    public async Task Roles_are_found_by_exact_arn_with_their_compiled_trust_policy()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host, "app", "/irsa/", ("MaxSessionDuration", "7200"));

        var role = await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:role/irsa/app");
        var wrongPath = await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:role/app");
        var notARole = await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:user/app");

        Assert.NotNull(role);
        Assert.Equal("app", role.RoleName);
        Assert.Equal("/irsa/", role.Path);
        Assert.Equal(7200, role.MaxSessionDuration);
        Assert.StartsWith("AROA", role.RoleId, StringComparison.Ordinal);
        Assert.Equal(PolicyKind.Trust, role.TrustPolicy.Kind);
        Assert.Equal(Docs.IrsaTrust, role.TrustPolicyDocument);
        Assert.Null(wrongPath);
        Assert.Null(notARole);
    }

    [Fact]
    public async Task Providers_are_found_by_issuer_url_within_the_account()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateProviderAsync(host);

        var byIssuer = await host.Queries.GetOpenIdConnectProviderAsync(AccountId, "https://" + Docs.Issuer);
        var withoutScheme = await host.Queries.GetOpenIdConnectProviderAsync(AccountId, Docs.Issuer);
        var wrongScheme = await host.Queries.GetOpenIdConnectProviderAsync(AccountId, "http://" + Docs.Issuer);
        var otherAccount = await host.Queries.GetOpenIdConnectProviderAsync("210987654321", "https://" + Docs.Issuer);

        Assert.NotNull(byIssuer);
        Assert.Equal(Docs.Issuer, byIssuer.Url);
        Assert.Equal("https://" + Docs.Issuer, byIssuer.IssuerUrl);
        Assert.Equal(Docs.ProviderArn, byIssuer.Arn);
        Assert.Equal(["sts.amazonaws.com"], byIssuer.ClientIds);
        Assert.NotNull(withoutScheme);
        Assert.Null(wrongScheme);
        Assert.Null(otherAccount);
    }

    [Fact]
    public async Task Managed_policies_resolve_to_their_default_version()
    {
        await using var host = await StartAsync();
        await host.CallAsync("CreatePolicy", ("PolicyName", "p"), ("PolicyDocument", Docs.S3Read));

        var policy = await host.Queries.GetManagedPolicyAsync(AccountId, "arn:aws:iam::123456789012:policy/p");
        var missing = await host.Queries.GetManagedPolicyAsync("210987654321", "arn:aws:iam::123456789012:policy/p");

        Assert.NotNull(policy);
        Assert.Equal("p", policy.PolicyId);
        Assert.Equal(PolicySourceType.UserManaged, policy.SourceType);
        Assert.Null(missing);
    }
}
