using Irsa.Policy.Matching;

namespace Irsa.Policy.Parsing;

/// <summary>Action-string checks. IAM checks only the shape; an action that does not exist is accepted.</summary>
internal static class ActionValidator
{
    private static readonly string[] TrustActions =
    [
        "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "TagSession", "SetSourceIdentity", "SetContext",
    ];

    public static string? Validate(string action)
    {
        if (action == "*")
        {
            return null;
        }

        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return PolicyMessages.ActionNeedsVendor;
        }

        if (action.IndexOf(':', colon + 1) >= 0)
        {
            return PolicyMessages.ActionOneColon;
        }

        var vendor = action[..colon];
        if (vendor == "*")
        {
            return null;
        }

        foreach (var c in vendor)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return PolicyMessages.VendorInvalid(vendor);
            }
        }

        return null;
    }

    /// <summary>
    /// Trust policies may name only the STS AssumeRole family. Wildcards (<c>*</c>, <c>sts:*</c>,
    /// <c>sts:AssumeRole*</c>) are accepted when they cover at least one of those actions.
    /// </summary>
    public static bool IsTrustAction(string action)
    {
        if (action == "*")
        {
            return true;
        }

        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !action.AsSpan(0, colon).Equals("sts", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var name = GlobPattern.Compile(action[(colon + 1)..]);
        return TrustActions.Any(a => name.IsMatch(a, StringComparison.OrdinalIgnoreCase));
    }
}
