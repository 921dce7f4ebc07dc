namespace Irsa.Policy;

/// <summary>A compiled policy together with the identity reported for it in matched statements.</summary>
public sealed record PolicyEntry(string PolicyId, PolicySourceType SourceType, PolicyDocument Document)
{
    /// <summary>The managed policy's ARN, when the policy is a managed one and its loader knows it (for explanations).</summary>
    public string? Arn { get; init; }
}
