using Irsa.Node.Projection;

namespace Irsa.Node.Tokens;

/// <summary>What the node agent needs to know about a pod to project its tokens.</summary>
/// <param name="Namespace">The pod namespace.</param>
/// <param name="Name">The pod name.</param>
/// <param name="Uid">The pod UID; also the name of the pod's directory.</param>
/// <param name="ServiceAccountName">The pod's <c>spec.serviceAccountName</c>.</param>
/// <param name="Volumes">The projected token volumes.</param>
public sealed record PodTokenSpec(
    string Namespace,
    string Name,
    string Uid,
    string ServiceAccountName,
    IReadOnlyList<ProjectedTokenVolume> Volumes)
{
    /// <summary>The pod's security context, which decides file modes and ownership.</summary>
    public PodSecurity Security { get; init; } = PodSecurity.None;

    /// <summary>Throws <see cref="ArgumentException"/> when the pod cannot be projected.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Namespace);
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentException.ThrowIfNullOrEmpty(ServiceAccountName);
        ValidateDirectoryName(Uid, "pod uid");
        ArgumentNullException.ThrowIfNull(Volumes);
        ArgumentNullException.ThrowIfNull(Security);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in Volumes)
        {
            ArgumentNullException.ThrowIfNull(volume);
            volume.Validate();
            if (!names.Add(volume.Name))
            {
                throw new ArgumentException($"Pod '{Namespace}/{Name}' has two volumes named '{volume.Name}'.");
            }
        }
    }

    /// <summary>A single path element that cannot escape its parent or clash with writer entries.</summary>
    internal static void ValidateDirectoryName(string value, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} '{value}' must be a single path element.");
        }

        PayloadPath.Validate(value);
    }
}
