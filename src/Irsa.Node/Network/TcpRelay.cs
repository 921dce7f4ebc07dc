using System.Net;
using System.Net.Sockets;

namespace Irsa.Node.Network;

/// <summary>
/// Relays TCP connections accepted on a listening socket (made inside a <see cref="NetworkNamespace"/>) to a target
/// reached from this process's own network, so a pod in its own namespace still reaches a server on the host's loopback
/// at the same address. At most <c>maxConnections</c> relayed connections at a time; more are closed at once.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly DnsEndPoint _target;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <param name="listener">A listening socket; the relay owns it.</param>
    /// <param name="target">Where each connection goes, resolved and connected from this process's network.</param>
    /// <param name="maxConnections">The most connections relayed at once.</param>
    public TcpRelay(Socket listener, DnsEndPoint target, int maxConnections = 128)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _listener = listener;
        _target = target;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        _accepting = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket inbound;
            try
            {
                inbound = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (!_slots.Wait(0))
            {
                inbound.Dispose();
                continue;
            }

            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(Socket inbound)
    {
        try
        {
            using (inbound)
            using (var outbound = new Socket(SocketType.Stream, ProtocolType.Tcp))
            {
                await outbound.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
                inbound.NoDelay = true;
                outbound.NoDelay = true;
                await using var inboundStream = new NetworkStream(inbound, ownsSocket: false);
                await using var outboundStream = new NetworkStream(outbound, ownsSocket: false);
                var up = PumpAsync(inboundStream, outbound, outboundStream);
                var down = PumpAsync(outboundStream, inbound, inboundStream);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // A refused or reset connection ends the relayed one; the client sees the reset.
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Copies one direction, then half-closes the other side so request/response protocols see the end.</summary>
    private async Task PumpAsync(NetworkStream from, Socket toSocket, NetworkStream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            toSocket.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
