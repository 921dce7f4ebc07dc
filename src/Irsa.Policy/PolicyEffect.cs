namespace Irsa.Policy;

/// <summary>The <c>Effect</c> of a statement.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}
