namespace Irsa.Policy;

/// <summary>A compiled policy together with the identity reported for it in matched statements.</summary>
public sealed record PolicyEntry(string PolicyId, PolicySourceType SourceType, PolicyDocument Document);
