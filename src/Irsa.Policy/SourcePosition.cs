namespace Irsa.Policy;

/// <summary>
/// A 1-based line and column in the original policy text, as IAM reports it in
/// <c>MatchedStatements/StartPosition</c> and <c>EndPosition</c>.
/// </summary>
public readonly record struct SourcePosition(int Line, int Column);
