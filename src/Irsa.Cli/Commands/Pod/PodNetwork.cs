using System.Net;
using Irsa.Node.Agent;
using Irsa.Node.Network;
using Irsa.Server.Agent;

namespace Irsa.Cli.Commands.Pod;

/// <summary>
/// Where the pod of <c>irsa pod run</c> gets its Pod Identity agent. <c>loopback</c>: the agent listens on
/// <c>127.0.0.1:FREE-PORT</c> of this machine and the pod's full URI is rewritten to it (every SDK accepts loopback).
/// <c>link-local</c>: the pod gets a network namespace of its own, as on an EKS node, whose loopback carries
/// <c>169.254.170.23</c> and <c>fd00:ec2::23</c>; the agent listens on port 80 there, so the pod's environment keeps
/// <c>http://169.254.170.23/v1/credentials</c> exactly as admission wrote it, and the Irsa endpoint on the host's loopback
/// is relayed to the same address inside the namespace.
/// </summary>
internal sealed class PodNetwork : IAsyncDisposable
{
    public const string Loopback = "loopback";
    public const string LinkLocal = "link-local";

    private static readonly IPAddress[] AgentAddresses = [IPAddress.Parse("169.254.170.23"), IPAddress.Parse("fd00:ec2::23")];

    private readonly NetworkNamespace? _namespace;
    private readonly List<TcpRelay> _relays = [];

    private PodNetwork(NetworkNamespace? networkNamespace) => _namespace = networkNamespace;

    /// <summary>The agent, when the pod uses container credentials.</summary>
    public PodIdentityAgentServer? Agent { get; private set; }

    /// <summary>The full URI the pod must be given instead of admission's, or null to keep admission's.</summary>
    public string? AgentUriOverride { get; private set; }

    /// <summary>The command prefix that puts the pod's process in its network (empty on the host's network).</summary>
    public IReadOnlyList<string> EnterCommand => _namespace?.EnterCommand ?? [];

    public static async Task<PodNetwork> StartAsync(string mode, bool usesContainerCredentials, Func<IEksAuthClient> eksAuth,
        string endpoint, CancellationToken cancellationToken)
    {
        if (mode != LinkLocal)
        {
            var loopback = new PodNetwork(null);
            if (usesContainerCredentials)
            {
                loopback.Agent = await PodIdentityAgentServer.StartAsync(LoopbackAgent, eksAuth(), cancellationToken: cancellationToken);
                loopback.AgentUriOverride = loopback.Agent.Addresses[0] + PodIdentityAgent.CredentialsPath;
            }

            return loopback;
        }

        var server = new Uri(endpoint);
        if (!server.IsLoopback)
        {
            throw new CliError($"--agent-address link-local needs the Irsa endpoint on this machine's loopback, not {server.Host}");
        }

        NetworkNamespace created;
        try
        {
            created = await NetworkNamespace.CreateAsync(AgentAddresses, cancellationToken);
        }
        catch (NetworkNamespaceException e)
        {
            throw new CliError("--agent-address link-local: " + e.Message);
        }

        var network = new PodNetwork(created);
        try
        {
            // The pod reaches Irsa at the endpoint's own address and port, relayed to the host's loopback.
            var target = new DnsEndPoint(server.Host, server.Port);
            network._relays.Add(new TcpRelay(created.Listen(new IPEndPoint(IPAddress.Loopback, server.Port)), target));
            network._relays.Add(new TcpRelay(created.Listen(new IPEndPoint(IPAddress.IPv6Loopback, server.Port)), target));
            if (usesContainerCredentials)
            {
                var defaults = new PodIdentityAgentOptions();
                var descriptors = AgentAddresses.Select(a => created.ListenDescriptor(new IPEndPoint(a, defaults.Port))).ToList();
                network.Agent = await PodIdentityAgentServer.StartAsync(LinkLocalAgent, eksAuth(), listenDescriptors: descriptors,
                    cancellationToken: cancellationToken);
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The agent of <c>pod run</c> on loopback: a free port, and a generous eks-auth timeout for a server on a busy laptop.
    /// Other local users reach the port but not the pod's token, which lives in a directory only the pod's user can read,
    /// and the agent serves nothing without a token eks-auth accepts.
    /// </summary>
    private static readonly PodIdentityAgentOptions LoopbackAgent = new()
    {
        BindHosts = ["127.0.0.1"],
        Port = 0,
        EksAuthTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The agent on the node's addresses (the real agent's defaults), reachable only inside the pod's namespace.</summary>
    private static readonly PodIdentityAgentOptions LinkLocalAgent = new() { EksAuthTimeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        foreach (var relay in _relays)
        {
            await relay.DisposeAsync();
        }

        _namespace?.Dispose();
    }
}
