namespace Irsa.Policy;

/// <summary>A statement that decided (or contributed to) a result; maps to IAM's <c>MatchedStatements/member</c>.</summary>
public readonly record struct MatchedStatement(
    string PolicyId,
    PolicySourceType SourceType,
    int StatementIndex,
    string? Sid,
    PolicyEffect Effect,
    SourcePosition StartPosition,
    SourcePosition EndPosition);
