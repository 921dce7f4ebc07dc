namespace Irsa.Policy;

/// <summary>Which validation step rejected a document; the steps run in AWS's order, listed here in that order.</summary>
public enum PolicyErrorKind
{
    /// <summary>"Syntax errors in policy." (or "This policy contains invalid Json" for trust policies).</summary>
    Syntax,

    /// <summary>An element that this policy kind must or must not have (Principal, Resource, Effect...).</summary>
    PolicyKindRule,

    /// <summary>"Policy document must be version 2012-10-17 or greater."</summary>
    Version,

    /// <summary>"The policy failed legacy parsing".</summary>
    LegacyParsing,

    /// <summary>Sid format or uniqueness.</summary>
    Sid,

    /// <summary>"Policy statement must contain actions."</summary>
    MissingActions,

    /// <summary>"Policy statement must contain resources."</summary>
    MissingResources,

    /// <summary>A Resource value that is not a valid ARN pattern.</summary>
    ResourceFormat,

    /// <summary>An Action value with a missing or invalid vendor prefix, or a non-STS action in a trust policy.</summary>
    ActionFormat,

    /// <summary>An invalid principal ("Invalid principal in policy: ...").</summary>
    Principal,
}
