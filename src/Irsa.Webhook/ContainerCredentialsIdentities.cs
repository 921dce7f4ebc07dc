using System.Collections.Frozen;
using System.Text.Json;

namespace Irsa.Webhook;

/// <summary>Answers "is this (namespace, ServiceAccount) enrolled in EKS Pod Identity?".</summary>
public interface IContainerCredentialsIdentities
{
    /// <summary>Exact match on namespace and ServiceAccount name; no wildcards.</summary>
    bool Contains(string @namespace, string serviceAccount);
}

/// <summary>An immutable set of container-credentials identities, parsed from upstream's JSON file format.</summary>
public sealed class ContainerCredentialsIdentitySet : IContainerCredentialsIdentities
{
    private static readonly JsonSerializerOptions GoLikeOptions = new() { PropertyNameCaseInsensitive = true };

    private readonly FrozenSet<(string Namespace, string ServiceAccount)> _identities;

    /// <summary>Creates a set from pairs.</summary>
    public ContainerCredentialsIdentitySet(IEnumerable<(string Namespace, string ServiceAccount)> identities) =>
        _identities = identities.ToFrozenSet();

    /// <summary>The empty set: the mode is off for every pod.</summary>
    public static ContainerCredentialsIdentitySet Empty { get; } = new([]);

    /// <summary>Number of identities.</summary>
    public int Count => _identities.Count;

    /// <inheritdoc />
    public bool Contains(string @namespace, string serviceAccount) => _identities.Contains((@namespace, serviceAccount));

    /// <summary>
    /// Parses <c>{"identities":[{"namespace":"ns","serviceAccount":"sa"}]}</c>. Empty or
    /// whitespace content gives the empty set; invalid JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static ContainerCredentialsIdentitySet Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Empty;
        }

        var file = JsonSerializer.Deserialize<FileModel>(utf8Json, GoLikeOptions);
        return new ContainerCredentialsIdentitySet(
            (file?.Identities ?? []).Select(i => (i.Namespace ?? "", i.ServiceAccount ?? "")));
    }

    private sealed class FileModel
    {
        public List<IdentityModel>? Identities { get; set; }
    }

    private sealed class IdentityModel
    {
        public string? Namespace { get; set; }

        public string? ServiceAccount { get; set; }
    }
}
