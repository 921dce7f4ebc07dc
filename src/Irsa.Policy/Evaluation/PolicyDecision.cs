namespace Irsa.Policy;

/// <summary>The three-valued outcome of an authorization (IAM's <c>EvalDecision</c>).</summary>
public enum PolicyDecision
{
    ImplicitDeny,
    Allowed,
    ExplicitDeny,
}
