namespace Irsa.Policy.Matching;

/// <summary>
/// A compiled <c>*</c>/<c>?</c> glob. The pattern is split at each <c>*</c> into fixed-length segments
/// (where <c>?</c> matches any one character); matching anchors the first and last segments and finds the
/// middle ones left-to-right, which is exact for this glob dialect and never allocates.
/// </summary>
internal sealed class GlobPattern
{
    public static readonly GlobPattern MatchAll = new([PatternToken.Star]);

    private readonly Segment[] _segments;
    private readonly bool _leadingStar;
    private readonly bool _trailingStar;
    private readonly bool _hasStar;

    public GlobPattern(ReadOnlySpan<PatternToken> tokens)
    {
        var segments = new List<Segment>();
        var text = new System.Text.StringBuilder();
        var mask = new List<bool>();
        var anyQuestion = false;

        void Close()
        {
            segments.Add(new Segment(text.ToString(), anyQuestion ? [.. mask] : null));
            text.Clear();
            mask.Clear();
            anyQuestion = false;
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i];
            switch (t.Kind)
            {
                case PatternTokenKind.Star:
                    _hasStar = true;
                    if (i == 0)
                    {
                        _leadingStar = true;
                    }

                    if (i == tokens.Length - 1)
                    {
                        _trailingStar = true;
                    }

                    Close();
                    break;
                case PatternTokenKind.Question:
                    text.Append('?');
                    mask.Add(true);
                    anyQuestion = true;
                    break;
                default:
                    text.Append(t.Text);
                    for (var k = 0; k < t.Text.Length; k++)
                    {
                        mask.Add(false);
                    }

                    break;
            }
        }

        Close();
        _segments = [.. segments];
        IsMatchAll = _hasStar && _segments.All(s => s.Text.Length == 0);
        LiteralText = _hasStar || _segments[0].Mask is not null ? null : _segments[0].Text;
    }

    /// <summary>True for patterns made only of <c>*</c>.</summary>
    public bool IsMatchAll { get; }

    /// <summary>The pattern text when it has no wildcard at all; otherwise null.</summary>
    public string? LiteralText { get; }

    public static GlobPattern Compile(string pattern) => new(PatternTemplate.Parse(pattern, wildcards: true, variables: false).Tokens);

    public bool IsMatch(ReadOnlySpan<char> input, StringComparison comparison)
    {
        if (IsMatchAll)
        {
            return true;
        }

        if (!_hasStar)
        {
            var only = _segments[0];
            return input.Length == only.Text.Length && only.MatchesAt(input, 0, comparison);
        }

        var pos = 0;
        var end = input.Length;
        var first = 0;
        var last = _segments.Length - 1;
        if (!_leadingStar)
        {
            var head = _segments[0];
            if (head.Text.Length > input.Length || !head.MatchesAt(input, 0, comparison))
            {
                return false;
            }

            pos = head.Text.Length;
            first = 1;
        }

        if (!_trailingStar)
        {
            var tail = _segments[last];
            end = input.Length - tail.Text.Length;
            if (end < pos || !tail.MatchesAt(input, end, comparison))
            {
                return false;
            }

            last--;
        }

        for (var i = first; i <= last; i++)
        {
            var segment = _segments[i];
            if (segment.Text.Length == 0)
            {
                continue;
            }

            var found = segment.IndexIn(input[pos..end], comparison);
            if (found < 0)
            {
                return false;
            }

            pos += found + segment.Text.Length;
        }

        return true;
    }

    private sealed class Segment(string text, bool[]? mask)
    {
        public string Text { get; } = text;

        public bool[]? Mask { get; } = mask;

        public bool MatchesAt(ReadOnlySpan<char> input, int at, StringComparison comparison)
        {
            if (Mask is null)
            {
                return input.Slice(at, Text.Length).Equals(Text, comparison);
            }

            var ignoreCase = comparison == StringComparison.OrdinalIgnoreCase;
            for (var i = 0; i < Text.Length; i++)
            {
                if (Mask[i])
                {
                    continue;
                }

                var a = input[at + i];
                var b = Text[i];
                if (a != b && !(ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b)))
                {
                    return false;
                }
            }

            return true;
        }

        public int IndexIn(ReadOnlySpan<char> input, StringComparison comparison)
        {
            if (Mask is null)
            {
                return input.IndexOf(Text, comparison);
            }

            for (var at = 0; at + Text.Length <= input.Length; at++)
            {
                if (MatchesAt(input, at, comparison))
                {
                    return at;
                }
            }

            return -1;
        }
    }
}
