using System.Net;
using System.Net.Sockets;

namespace Irsa.Policy.Conditions;

/// <summary>An IPv4 or IPv6 CIDR block. A bare address is a /32 (IPv4) or /128 (IPv6) network.</summary>
internal sealed class IpNetwork
{
    private readonly byte[] _prefix;
    private readonly int _bits;
    private readonly AddressFamily _family;

    private IpNetwork(byte[] prefix, int bits, AddressFamily family)
    {
        _prefix = prefix;
        _bits = bits;
        _family = family;
    }

    public static bool TryParse(string text, out IpNetwork? network)
    {
        network = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var bits = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bits) || bits > max))
        {
            return false;
        }

        network = new IpNetwork(address.GetAddressBytes(), bits, address.AddressFamily);
        return true;
    }

    public bool Contains(string requestValue)
    {
        if (!IPAddress.TryParse(requestValue, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6 && _family == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != _family)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var full = _bits / 8;
        if (!bytes[..full].SequenceEqual(_prefix.AsSpan(0, full)))
        {
            return false;
        }

        var remaining = _bits % 8;
        if (remaining == 0 || full >= written)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remaining));
        return (bytes[full] & mask) == (_prefix[full] & mask);
    }
}
