namespace Irsa.Policy.Model;

/// <summary>Compiled <c>Principal</c>/<c>NotPrincipal</c> element.</summary>
internal sealed class PrincipalMatcher
{
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awsArns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _federated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly HashSet<string> _canonical = new(StringComparer.Ordinal);
    private bool _wildcard;

    public PrincipalMatcher(bool negated) => Negated = negated;

    public bool Negated { get; }

    public void AddWildcard() => _wildcard = true;

    public void Add(string type, string value)
    {
        switch (type)
        {
            case "AWS":
                if (value == "*")
                {
                    _wildcard = true;
                }
                else if (AccountFromAwsValue(value) is { } account)
                {
                    _accounts.Add(account);
                }
                else
                {
                    _awsArns.Add(value);
                }

                break;
            case "Federated":
                _federated.Add(value);
                break;
            case "Service":
                _services.Add(value);
                break;
            default:
                _canonical.Add(value);
                break;
        }
    }

    /// <summary>The strongest way the element names the caller, or None.</summary>
    public PrincipalMatchKind Match(RequestPrincipal principal)
    {
        var kind = principal.Type switch
        {
            PrincipalType.WebIdentity => _federated.Contains(principal.Id) ? PrincipalMatchKind.Direct : PrincipalMatchKind.None,
            PrincipalType.Service => _services.Contains(principal.Id) ? PrincipalMatchKind.Direct : PrincipalMatchKind.None,
            PrincipalType.CanonicalUser => _canonical.Contains(principal.Id) ? PrincipalMatchKind.Direct : PrincipalMatchKind.None,
            PrincipalType.Anonymous => PrincipalMatchKind.None,
            _ => MatchAws(principal),
        };

        return kind == PrincipalMatchKind.None && _wildcard ? PrincipalMatchKind.Wildcard : kind;
    }

    /// <summary>
    /// NotPrincipal applies when any identity the caller acts as (its account, its role or user, itself) is not
    /// listed; this is why AWS advises listing the account and role ARNs as well as the session.
    /// </summary>
    public bool NotPrincipalApplies(RequestPrincipal principal)
    {
        if (_wildcard)
        {
            return false;
        }

        if (!principal.IsIamIdentity)
        {
            return Match(principal) == PrincipalMatchKind.None;
        }

        if (principal.AccountId is null || !_accounts.Contains(principal.AccountId))
        {
            return true;
        }

        if (principal.Type == PrincipalType.Root)
        {
            return false;
        }

        if (principal.ParentArn is not null && !_awsArns.Contains(principal.ParentArn))
        {
            return true;
        }

        return !_awsArns.Contains(principal.Id);
    }

    private PrincipalMatchKind MatchAws(RequestPrincipal principal)
    {
        if (_awsArns.Contains(principal.Id))
        {
            return PrincipalMatchKind.Direct;
        }

        if (principal.ParentArn is not null && _awsArns.Contains(principal.ParentArn))
        {
            return PrincipalMatchKind.Parent;
        }

        if (principal.AccountId is not null && _accounts.Contains(principal.AccountId))
        {
            return principal.Type == PrincipalType.Root ? PrincipalMatchKind.Direct : PrincipalMatchKind.Account;
        }

        return PrincipalMatchKind.None;
    }

    /// <summary>A bare 12-digit account ID and <c>arn:aws:iam::ID:root</c> both name the account.</summary>
    internal static string? AccountFromAwsValue(string value)
    {
        if (value.Length == 12 && value.All(char.IsAsciiDigit))
        {
            return value;
        }

        var parts = value.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root" && parts[4].Length > 0
            ? parts[4]
            : null;
    }
}
