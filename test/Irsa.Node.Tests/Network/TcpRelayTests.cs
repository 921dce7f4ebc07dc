using System.Net;
using System.Net.Sockets;
using System.Text;
using Irsa.Node.Network;

namespace Irsa.Node.Tests.Network;

/// <summary>The relay on the host's loopback (the namespace half needs root and is covered end to end).</summary>
public sealed class TcpRelayTests
{
    private static Socket Listening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(16);
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>An upstream that answers each connection with what it read, upper-cased, once the client half-closed.</summary>
    private static async Task ServeUpperCaseAsync(Socket upstream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var connection = await upstream.AcceptAsync(cancellationToken);
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    await using var stream = new NetworkStream(connection);
                    using var read = new MemoryStream();
                    await stream.CopyToAsync(read, cancellationToken);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(read.ToArray()).ToUpperInvariant()), cancellationToken);
                }
            }, cancellationToken);
        }
    }

    private static async Task<string> AskAsync(int port, string text)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(client);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Relays_both_directions_and_passes_on_the_half_close()
    {
        using var stop = new CancellationTokenSource();
        using var upstream = Listening();
        var serving = ServeUpperCaseAsync(upstream, stop.Token);
        var listener = Listening();
        await using var relay = new TcpRelay(listener, new DnsEndPoint("127.0.0.1", Port(upstream)));

        Assert.Equal("HELLO POD", await AskAsync(Port(listener), "hello pod"));
        Assert.Equal("AGAIN", await AskAsync(Port(listener), "again"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);
    }

    [Fact]
    public async Task Connections_beyond_the_bound_are_closed_at_once()
    {
        using var upstream = Listening(); // accepts nothing: the first relayed connection stays open
        var listener = Listening();
        await using var relay = new TcpRelay(listener, new DnsEndPoint("127.0.0.1", Port(upstream)), maxConnections: 1);
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(IPAddress.Loopback, Port(listener));
        await Task.Delay(200); // the relay took the only slot

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(IPAddress.Loopback, Port(listener));
        var buffer = new byte[1];
        var read = await second.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, read); // closed by the relay, nothing relayed
    }

    [Fact]
    public async Task An_unreachable_target_closes_the_connection()
    {
        int closedPort;
        using (var gone = Listening())
        {
            closedPort = Port(gone);
        }

        var listener = Listening();
        await using var relay = new TcpRelay(listener, new DnsEndPoint("127.0.0.1", closedPort));

        // Closed with the request unread: an end of stream or a reset, never an answer.
        var answer = await Record.ExceptionAsync(async () => Assert.Equal("", await AskAsync(Port(listener), "anyone?")));
        Assert.True(answer is null or IOException, answer?.ToString());
    }
}
