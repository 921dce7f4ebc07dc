using System.Diagnostics.CodeAnalysis;

namespace Irsa.Policy;

/// <summary>Outcome of <see cref="PolicyDocument.Parse"/>: a compiled document or a validation error.</summary>
public sealed class PolicyParseResult
{
    private PolicyParseResult(PolicyDocument? document, PolicyValidationError? error)
    {
        Document = document;
        Error = error;
    }

    public PolicyDocument? Document { get; }

    public PolicyValidationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Document is not null;

    internal static PolicyParseResult Success(PolicyDocument document) => new(document, null);

    internal static PolicyParseResult Failure(PolicyErrorKind kind, string message) => new(null, new PolicyValidationError(kind, message));
}
