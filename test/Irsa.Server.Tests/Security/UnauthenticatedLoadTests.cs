using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Irsa.Server.Tests.Security;

/// <summary>
/// 30 s of the worst unauthenticated traffic found in review, from a few concurrent clients, against a real server:
/// huge <c>PolicyArns</c> lists, fake tokens whose <c>iss</c> is a registered issuer spelled ever differently, and big
/// bodies. The server must stay live (<c>/healthz</c> answered throughout) and its memory flat.
/// </summary>
public sealed class UnauthenticatedLoadTests
{
    private const string IssuerHost = "oidc.example.test";
    private const string Issuer = "https://" + IssuerHost + "/id/LOAD";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// <summary>A liveness bound, not a performance target: far above any healthy answer even on a loaded machine.</summary>
    private static readonly TimeSpan HealthBound = TimeSpan.FromSeconds(2);

    /// <summary>Growth allowed in the managed heap after a full GC: noise, not a cache per request.</summary>
    private const long HeapMarginBytes = 64L * 1024 * 1024;

    [Fact]
    public async Task Thirty_seconds_of_worst_case_unauthenticated_requests_keep_the_server_live_and_flat()
    {
        await using var server = await IrsaTestServer.StartAsync();
        using var provider = await server.SendSignedAsync(HttpMethod.Post, "/", "iam",
            $"Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url={Uri.EscapeDataString(Issuer)}&ClientIDList.member.1=sts.amazonaws.com");
        Assert.True(provider.IsSuccessStatusCode, await provider.Content.ReadAsStringAsync());
        var roleArn = $"arn:aws:iam::{server.AccountId}:role/app";

        // Warm up every path once, so JIT and first-use allocations are in the baseline.
        using (var warm = new HttpClient { BaseAddress = server.Http.BaseAddress })
        {
            for (var i = 0; i < 3; i++)
            {
                await SendAttackAsync(warm, roleArn, i, i);
            }
        }

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource(Duration);
        var health = PollHealthAsync(server, stop.Token);
        var attackers = Enumerable.Range(0, 3).Select(client => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = server.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var sent = 0;
            while (!stop.IsCancellationRequested)
            {
                await SendAttackAsync(http, roleArn, client, sent++);
            }

            return sent;
        })).ToList();

        var requests = (await Task.WhenAll(attackers)).Sum();
        var (polls, slowest) = await health;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(requests > 30, $"only {requests} attack requests were sent");
        Assert.True(polls >= 10, $"only {polls} health polls were answered");
        Assert.True(slowest < HealthBound, $"/healthz took {slowest.TotalMilliseconds:F0} ms at worst");
        Assert.True(after - baseline < HeapMarginBytes,
            $"managed heap grew from {baseline / 1048576} MiB to {after / 1048576} MiB over {requests} attack requests");
    }

    /// <summary>Polls <c>/healthz</c> on its own connection; any failure or non-200 fails the test.</summary>
    private static async Task<(int Polls, TimeSpan Slowest)> PollHealthAsync(IrsaTestServer server, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = server.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var polls = 0;
        var slowest = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await http.GetAsync("/healthz", CancellationToken.None))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            polls++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (polls, slowest);
    }

    /// <summary>One of the three attacks, in turn; each must be refused with a 4xx, never a 5xx.</summary>
    private static async Task SendAttackAsync(HttpClient http, string roleArn, int client, int sequence)
    {
        var body = (sequence % 3) switch
        {
            0 => UnauthenticatedParsingTests.HugePolicyArnsBody(40_000),
            1 => AssumeBody(roleArn, FakeToken(IssuerSpelling(client, sequence))),
            _ => AssumeBody(roleArn, new string('A', 2 * 1024 * 1024)),
        };
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await http.PostAsync("/", content);
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"attack {sequence % 3} answered {(int)response.StatusCode}");
    }

    /// <summary>A new spelling of the registered issuer every time: host letter case and trailing slashes vary.</summary>
    private static string IssuerSpelling(int client, int sequence)
    {
        var variant = (client * 1_000_003) + sequence;
        var host = new StringBuilder(IssuerHost);
        for (var i = 0; i < host.Length; i++)
        {
            if (char.IsLetter(host[i]) && ((variant >> (i % 16)) & 1) == 1)
            {
                host[i] = char.ToUpperInvariant(host[i]);
            }
        }

        return "https://" + host + "/id/LOAD" + new string('/', 1 + (variant % 9000));
    }

    private static string FakeToken(string issuer)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Encode("""{"alg":"RS256","kid":"fake"}""") + "."
            + Encode($$"""{"iss":"{{issuer}}","sub":"system:serviceaccount:default:app","aud":"sts.amazonaws.com","exp":{{exp}}}""")
            + ".c2lnbmF0dXJl";
    }

    private static string AssumeBody(string roleArn, string token) =>
        $"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={Uri.EscapeDataString(roleArn)}&RoleSessionName=attacker&WebIdentityToken={Uri.EscapeDataString(token)}";
}
