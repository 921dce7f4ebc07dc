namespace Irsa.Policy;

/// <summary>
/// Why a document was rejected. <see cref="Message"/> is worded as AWS words it; the IAM/STS layer returns it
/// as the message of a <c>MalformedPolicyDocument</c> error.
/// </summary>
public sealed record PolicyValidationError(PolicyErrorKind Kind, string Message);
