using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Irsa.Node.Network;

/// <summary>
/// A Linux network namespace of this process's own, as a node gives a pod: its loopback is up and carries the addresses
/// asked for (the Pod Identity agent's link-local <c>169.254.170.23</c> and <c>fd00:ec2::23</c>), it has no other
/// interface, and it lives until it is disposed and the sockets and processes made in it are gone.
/// </summary>
/// <remarks>
/// <para><c>unshare(CLONE_NEWNET)</c> moves only the calling thread, so the namespace belongs to one dedicated thread that
/// does nothing but create sockets on request: a socket stays in the namespace it was created in whichever thread uses it
/// later. That thread never queues work or starts threads (a thread inherits the namespace of the thread that creates it),
/// so the thread pool, and every connection out of this process, stays in the host's namespace.</para>
/// <para>Processes enter it with <c>nsenter --net=</c> the thread's namespace file (util-linux), which joins the namespace
/// and then executes the command in place: the pod's process keeps the id its parent started.</para>
/// </remarks>
public sealed partial class NetworkNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private const int PermissionDenied = 1;

    private readonly BlockingCollection<Request> _requests = [];
    private readonly Thread _thread;

    private readonly ManualResetEventSlim _ready = new();
    private string? _path;
    private NetworkNamespaceException? _failure;

    private NetworkNamespace()
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = "irsa-netns" };
    }

    /// <summary>The namespace's file (<c>/proc/PID/task/TID/ns/net</c>), valid until <see cref="Dispose"/>.</summary>
    public string Path => _path!;

    /// <summary>The command prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> EnterCommand => ["nsenter", "--net=" + Path, "--"];

    /// <summary>
    /// Creates the namespace, brings its loopback up and adds <paramref name="loopbackAddresses"/> to it (with
    /// <c>ip</c> from iproute2, run inside it).
    /// </summary>
    /// <exception cref="NetworkNamespaceException">Not Linux, no privilege to create network namespaces, or the set-up failed.</exception>
    public static async Task<NetworkNamespace> CreateAsync(IReadOnlyList<IPAddress> loopbackAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loopbackAddresses);
        if (!OperatingSystem.IsLinux())
        {
            throw new NetworkNamespaceException("network namespaces need Linux");
        }

        var created = await Task.Run(Start, cancellationToken).ConfigureAwait(false);
        try
        {
            await created.RunAsync(["ip", "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
            foreach (var address in loopbackAddresses)
            {
                var prefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
                await created.RunAsync(["ip", "address", "add", $"{address}/{prefix}", "dev", "lo"], cancellationToken).ConfigureAwait(false);
            }

            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// <summary>A TCP socket bound to <paramref name="endPoint"/> inside the namespace, listening.</summary>
    public Socket Listen(IPEndPoint endPoint, int backlog = 512)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return Invoke(() =>
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                socket.Bind(endPoint);
                socket.Listen(backlog);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });
    }

    /// <summary>
    /// Like <see cref="Listen"/>, but returns a duplicate descriptor of the socket that the caller owns, for a server that
    /// adopts listening descriptors (Kestrel's <c>ListenHandle</c>).
    /// </summary>
    public ulong ListenDescriptor(IPEndPoint endPoint, int backlog = 512)
    {
        using var socket = Listen(endPoint, backlog);
        var descriptor = NativeMethods.Dup((int)socket.Handle);
        return descriptor >= 0
            ? (ulong)descriptor
            : throw new NetworkNamespaceException($"could not duplicate a socket: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
    }

    /// <summary>Ends the namespace's thread; the namespace itself goes when its last socket and process are gone.</summary>
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }

    /// <summary>Starts the namespace thread and waits until it has unshared (blocking a pool thread, briefly).</summary>
    private static NetworkNamespace Start()
    {
        var created = new NetworkNamespace();
        created._thread.Start();
        created._ready.Wait();
        created._ready.Dispose();
        if (created._failure is { } failure)
        {
            created._thread.Join();
            created._requests.Dispose();
            throw failure;
        }

        return created;
    }

    /// <summary>The namespace thread: unshares, then serves socket requests until disposed.</summary>
    private void Serve()
    {
        if (NativeMethods.Unshare(CloneNewNet) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _failure = new NetworkNamespaceException(errno == PermissionDenied
                ? "creating a network namespace needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)"
                : $"could not create a network namespace: {new Win32Exception(errno).Message}");
            _ready.Set();
            return;
        }

        _path = $"/proc/{Environment.ProcessId}/task/{NativeMethods.GetThreadId()}/ns/net";
        _ready.Set();
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            request.Run();
        }
    }

    /// <summary>Runs <paramref name="work"/> on the namespace thread and waits for it (synchronously: it is short and local).</summary>
    private T Invoke<T>(Func<T> work)
    {
        var request = new Request(() => work());
        _requests.Add(request);
        request.Done.Wait();
        request.Done.Dispose();
        return request.Failure is null ? (T)request.Result! : throw request.Failure;
    }

    private async Task RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(EnterCommand[0])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in EnterCommand.Skip(1).Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NetworkNamespaceException("could not start nsenter");
        }
        catch (Win32Exception e)
        {
            throw new NetworkNamespaceException($"could not start nsenter (util-linux): {e.Message}");
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new NetworkNamespaceException($"'{string.Join(' ', command)}' in the network namespace failed: {(await error.ConfigureAwait(false)).Trim()}");
            }
        }
    }

    private sealed class Request(Func<object?> work)
    {
        public ManualResetEventSlim Done { get; } = new();

        public object? Result { get; private set; }

        public Exception? Failure { get; private set; }

        public void Run()
        {
            try
            {
                Result = work();
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidOperationException)
            {
                Failure = e;
            }
            finally
            {
                Done.Set();
            }
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
        internal static partial int Unshare(int flags);

        [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
        internal static partial int Dup(int descriptor);

        [LibraryImport("libc", EntryPoint = "gettid")]
        internal static partial int GetThreadId();
    }
}

/// <summary>A network namespace could not be made or set up; the message is one line for the user.</summary>
public sealed class NetworkNamespaceException(string message) : Exception(message);
