using Irsa.Iam.Tests.TestSupport;
using static Irsa.Iam.Tests.TestSupport.IamTestHost;

namespace Irsa.Iam.Tests.Roles;

public sealed class TrustPrincipalTests
{
    [Fact]
    public async Task A_trust_policy_naming_an_unregistered_oidc_provider_is_rejected()
    {
        await using var host = await StartAsync();

        var error = await host.FailAsync("CreateRole", ("RoleName", "app"), ("AssumeRolePolicyDocument", Docs.IrsaTrust));

        Assert.Equal("MalformedPolicyDocument", error.Code);
        Assert.Equal($"Invalid principal in policy: \"Federated\":\"{Docs.ProviderArn}\"", error.Message);
    }

    [Fact]
    public async Task A_trust_policy_naming_a_missing_role_is_rejected_and_an_existing_one_accepted()
    {
        await using var host = await StartAsync();
        await RoleTests.CreateRoleAsync(host, "existing");
        static string TrustFor(string roleArn) =>
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["ARN"]},"Action":"sts:AssumeRole"}]}""".Replace("ARN", roleArn, StringComparison.Ordinal);

        var missing = await host.FailAsync("UpdateAssumeRolePolicy", ("RoleName", "existing"), ("PolicyDocument", TrustFor("arn:aws:iam::123456789012:role/nope")));
        await host.CallAsync("CreateRole", ("RoleName", "second"), ("AssumeRolePolicyDocument", TrustFor("arn:aws:iam::123456789012:role/existing")));

        Assert.Equal("Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:role/nope\"", missing.Message);
        Assert.NotNull(await host.Queries.GetRoleByArnAsync("arn:aws:iam::123456789012:role/second"));
    }
}
