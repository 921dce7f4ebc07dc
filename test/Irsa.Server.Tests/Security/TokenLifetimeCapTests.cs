using System.Net;
using Irsa.Server.Tests.Cluster;

namespace Irsa.Server.Tests.Security;

/// <summary>The attack: a service-account token requested for 2^32 s (136 years). The default cap shortens it to 48 h.</summary>
public sealed class TokenLifetimeCapTests
{
    [Fact]
    public async Task A_token_asked_for_2_to_the_32_seconds_is_capped_at_48_hours_by_default()
    {
        await using var kube = await KubeCluster.StartAsync();

        var response = await kube.RequestTokenAsync("default", "default", "{\"expirationSeconds\":4294967296}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(172800, response.Json["spec"]!["expirationSeconds"]!.GetValue<long>());
        Assert.Equal(["299 - \"requested expiration of 4294967296 seconds shortened to 172800 seconds\""], response.Warnings);
    }
}
