namespace Irsa.Cluster.Tokens;

/// <summary>Produces the <c>jti</c> of new tokens; injectable so tests are deterministic.</summary>
public interface ITokenIdGenerator
{
    /// <summary>Returns a new token id (a lowercase hyphenated UUID, like Go's <c>uuid.NewString</c>).</summary>
    string NewTokenId();
}
