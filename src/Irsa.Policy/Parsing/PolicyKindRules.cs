namespace Irsa.Policy.Parsing;

/// <summary>Elements a policy kind must or must not contain.</summary>
internal static class PolicyKindRules
{
    public static string? Check(PolicyKind kind, List<RawStatement> statements)
    {
        foreach (var s in statements)
        {
            var error = kind switch
            {
                PolicyKind.Trust => CheckTrust(s),
                PolicyKind.Resource => s.HasPrincipal ? null : PolicyMessages.MissingPrincipal,
                _ => s.HasPrincipal ? PolicyMessages.PrincipalNotAllowed : null,
            };

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckTrust(RawStatement s)
    {
        if (s.Resources is not null)
        {
            return PolicyMessages.ProhibitedResource;
        }

        if (s.Effect is null)
        {
            return PolicyMessages.MissingEffect;
        }

        if (s.Actions is null || s.Actions.Count == 0)
        {
            return PolicyMessages.MissingAction;
        }

        if (!s.HasPrincipal)
        {
            return PolicyMessages.MissingPrincipal;
        }

        if (s.NotPrincipal)
        {
            return s.Effect.Equals("Allow", StringComparison.OrdinalIgnoreCase)
                ? PolicyMessages.AllowWithNotPrincipal
                : PolicyMessages.TrustNotPrincipal;
        }

        return null;
    }
}
