namespace Irsa.Policy.Matching;

/// <summary>
/// An ARN glob matched segment by segment: <c>arn:partition:service:region:account:resource</c>.
/// Wildcards in the first five segments stay inside their segment; the resource part is one glob in which
/// <c>*</c> crosses <c>/</c> and <c>:</c>. A short pattern ending in <c>*</c> is padded with <c>*</c>
/// segments, which models the documented "trailing * may expand past colons" rule.
/// </summary>
internal sealed class ArnPattern
{
    private const int SegmentCount = 6;
    private readonly GlobPattern[]? _segments;
    private readonly GlobPattern _whole;

    public ArnPattern(ReadOnlySpan<PatternToken> tokens)
    {
        _whole = new GlobPattern(tokens);
        _segments = Split(tokens);
    }

    public static ArnPattern Compile(string pattern) => new(PatternTemplate.Parse(pattern, wildcards: true, variables: false).Tokens);

    /// <param name="arn">The request ARN.</param>
    /// <param name="headComparison">Comparison for partition, service, region and account.</param>
    public bool IsMatch(ReadOnlySpan<char> arn, StringComparison headComparison)
    {
        if (_whole.IsMatchAll)
        {
            return true;
        }

        if (_segments is null)
        {
            return false;
        }

        var rest = arn;
        for (var i = 0; i < SegmentCount - 1; i++)
        {
            var colon = rest.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            if (!_segments[i].IsMatch(rest[..colon], headComparison))
            {
                return false;
            }

            rest = rest[(colon + 1)..];
        }

        return _segments[SegmentCount - 1].IsMatch(rest, StringComparison.Ordinal);
    }

    private static GlobPattern[]? Split(ReadOnlySpan<PatternToken> tokens)
    {
        var segments = new List<GlobPattern>(SegmentCount);
        var current = new List<PatternToken>();
        foreach (var token in tokens)
        {
            if (token.Kind != PatternTokenKind.Literal || segments.Count == SegmentCount - 1)
            {
                current.Add(token);
                continue;
            }

            var text = token.Text;
            var start = 0;
            int colon;
            while (segments.Count < SegmentCount - 1 && (colon = text.IndexOf(':', start)) >= 0)
            {
                if (colon > start)
                {
                    current.Add(token with { Text = text[start..colon] });
                }

                segments.Add(CompileSegment(current));
                current.Clear();
                start = colon + 1;
            }

            if (start < text.Length)
            {
                current.Add(token with { Text = text[start..] });
            }
        }

        var endsWithStar = tokens.Length > 0 && tokens[^1].Kind == PatternTokenKind.Star;
        segments.Add(CompileSegment(current));
        if (segments.Count < SegmentCount)
        {
            if (!endsWithStar)
            {
                return null;
            }

            while (segments.Count < SegmentCount)
            {
                segments.Add(GlobPattern.MatchAll);
            }
        }

        return [.. segments];
    }

    private static GlobPattern CompileSegment(List<PatternToken> tokens) =>
        tokens.Count == 0 ? new GlobPattern([new PatternToken(PatternTokenKind.Literal, string.Empty)]) : new GlobPattern(tokens.ToArray());
}
