namespace Irsa.Policy;

/// <summary>Who is making the request, as far as principal matching and evaluation are concerned.</summary>
public enum PrincipalType
{
    Anonymous,
    Root,
    User,
    AssumedRole,
    FederatedUser,
    Service,
    WebIdentity,
    CanonicalUser,
}
