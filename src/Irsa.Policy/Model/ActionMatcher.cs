using Irsa.Policy.Matching;

namespace Irsa.Policy.Model;

/// <summary>Compiled <c>Action</c>/<c>NotAction</c>: vendor compared ignoring case, name as a case-insensitive glob.</summary>
internal sealed class ActionMatcher
{
    private readonly ActionPattern[] _patterns;

    public ActionMatcher(IReadOnlyList<string> actions, bool negated)
    {
        Negated = negated;
        _patterns = actions.Select(ActionPattern.Compile).ToArray();
    }

    public bool Negated { get; }

    public bool Matches(RequestContext context)
    {
        var any = false;
        foreach (var p in _patterns)
        {
            if (p.Matches(context.Action, context.ActionColon))
            {
                any = true;
                break;
            }
        }

        return any != Negated;
    }

    private sealed class ActionPattern
    {
        private readonly string? _vendor;
        private readonly GlobPattern? _name;

        private ActionPattern(string? vendor, GlobPattern? name)
        {
            _vendor = vendor;
            _name = name;
        }

        public static ActionPattern Compile(string action)
        {
            if (action == "*")
            {
                return new ActionPattern(null, GlobPattern.MatchAll);
            }

            var colon = action.IndexOf(':', StringComparison.Ordinal);

            // A wildcard vendor ("*:Get*") is accepted by validation but deliberately matches nothing.
            if (colon < 0 || action.AsSpan(0, colon).ContainsAny('*', '?'))
            {
                return new ActionPattern(null, null);
            }

            return new ActionPattern(action[..colon], GlobPattern.Compile(action[(colon + 1)..]));
        }

        public bool Matches(string action, int colon)
        {
            if (_name is null)
            {
                return false;
            }

            if (_vendor is null)
            {
                return true;
            }

            return colon == _vendor.Length
                && action.AsSpan(0, colon).Equals(_vendor, StringComparison.OrdinalIgnoreCase)
                && _name.IsMatch(action.AsSpan(colon + 1), StringComparison.OrdinalIgnoreCase);
        }
    }
}
