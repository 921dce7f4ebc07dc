using System.Globalization;
using System.Net;
using System.Text;

namespace Irsa.Server.Tests.Security;

/// <summary>
/// The attack: an unsigned AssumeRoleWithWebIdentity carrying tens of thousands of <c>PolicyArns</c> members, parsed
/// before any token check. The list is counted in one pass and refused at STS's cap of 10 with AWS's ValidationError.
/// </summary>
public sealed class UnauthenticatedParsingTests
{
    /// <summary>A form body with <paramref name="count"/> <c>PolicyArns</c> members (about 60 bytes each).</summary>
    public static string HugePolicyArnsBody(int count, string token = "e30.e30.sig")
    {
        var body = new StringBuilder("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp")
            .Append("&RoleSessionName=attacker&WebIdentityToken=").Append(token);
        for (var i = 1; i <= count; i++)
        {
            body.Append("&PolicyArns.member.").Append(i.ToString(CultureInfo.InvariantCulture))
                .Append(".arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FP").Append(i.ToString(CultureInfo.InvariantCulture));
        }

        return body.ToString();
    }

    [Fact]
    public async Task Forty_thousand_policy_arns_are_refused_at_the_cap()
    {
        await using var server = await IrsaTestServer.StartAsync();
        using var content = new StringContent(HugePolicyArnsBody(40_000), Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await server.Http.PostAsync("/", content);
        var body = await response.Content.ReadAsStringAsync();

        // Either the pipeline's body limit or the list cap refuses it; never a parse of every member.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, body);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Contains("<Code>ValidationError</Code>", body, StringComparison.Ordinal);
            Assert.Contains("Value '[40000 members]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
                body, StringComparison.Ordinal);
        }
    }
}
