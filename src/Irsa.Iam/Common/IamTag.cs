namespace Irsa.Iam.Common;

/// <summary>A key/value tag on an IAM resource.</summary>
public sealed record IamTag(string Key, string Value);
