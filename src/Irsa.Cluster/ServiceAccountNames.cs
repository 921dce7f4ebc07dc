namespace Irsa.Cluster;

/// <summary>Kubernetes naming conventions for service-account users and groups.</summary>
public static class ServiceAccountNames
{
    /// <summary>Prefix of every service-account username.</summary>
    public const string UsernamePrefix = "system:serviceaccount:";

    /// <summary>Group every service account belongs to.</summary>
    public const string AllServiceAccountsGroup = "system:serviceaccounts";

    /// <summary>Group added by kube-apiserver to every authenticated user.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    /// <summary><c>system:serviceaccount:NAMESPACE:NAME</c> (also the token <c>sub</c>).</summary>
    public static string MakeUsername(string @namespace, string name) => UsernamePrefix + @namespace + ":" + name;

    /// <summary><c>system:serviceaccounts:NAMESPACE</c>.</summary>
    public static string MakeNamespaceGroup(string @namespace) => AllServiceAccountsGroup + ":" + @namespace;
}
