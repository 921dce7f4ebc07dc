namespace Irsa.Cluster.Keys;

/// <summary>Where a key is in its rotation life cycle. Every state is published in the JWKS.</summary>
public enum SigningKeyState
{
    /// <summary>Published so relying parties can cache it, but not signing yet.</summary>
    Published,

    /// <summary>The key new tokens are signed with.</summary>
    Active,

    /// <summary>No longer signing; kept published until every token it signed has expired.</summary>
    Retired,
}
