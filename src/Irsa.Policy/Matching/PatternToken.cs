namespace Irsa.Policy.Matching;

internal enum PatternTokenKind
{
    Literal,
    Star,
    Question,
    Variable,
}

/// <summary>One piece of a policy string: literal text, a wildcard, or a <c>${key, 'default'}</c> variable.</summary>
internal readonly record struct PatternToken(PatternTokenKind Kind, string Text, string? Default = null)
{
    public static readonly PatternToken Star = new(PatternTokenKind.Star, "*");
}
