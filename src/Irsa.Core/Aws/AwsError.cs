namespace Irsa.Core.Aws;

/// <summary>
/// A client-facing AWS error: travels as a value from the engines to the protocol writer,
/// which renders it as query-protocol XML, JSON or a REST error with the same code and status.
/// </summary>
/// <param name="Code">The exact wire code SDKs map to typed exceptions (e.g. <c>InvalidIdentityToken</c>).</param>
/// <param name="Message">The human-readable message, worded as AWS words it.</param>
/// <param name="StatusCode">The HTTP status AWS answers with for this code.</param>
public sealed record AwsError(string Code, string Message, int StatusCode)
{
    /// <summary><c>Sender</c> for 4xx, <c>Receiver</c> for 5xx, as in the query-protocol error XML.</summary>
    public string Type => StatusCode >= 500 ? "Receiver" : "Sender";

    /// <summary>Further elements some protocols put in the error body, in order (S3's <c>BucketName</c>, <c>Key</c>,
    /// <c>Resource</c>, <c>RequestTime</c>...); empty for most errors.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    /// <summary>Response headers the error carries (S3's <c>x-amz-bucket-region</c> on a HEAD error).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public static AwsError Validation(string message) => new("ValidationError", message, 400);

    public static AwsError InvalidInput(string message) => new("InvalidInput", message, 400);

    public static AwsError NoSuchEntity(string message) => new("NoSuchEntity", message, 404);

    public static AwsError EntityAlreadyExists(string message) => new("EntityAlreadyExists", message, 409);

    public static AwsError LimitExceeded(string message) => new("LimitExceeded", message, 409);

    public static AwsError DeleteConflict(string message) => new("DeleteConflict", message, 409);

    public static AwsError MalformedPolicyDocument(string message) => new("MalformedPolicyDocument", message, 400);

    public static AwsError AccessDenied(string message) => new("AccessDenied", message, 403);

    public static AwsError InvalidAction(string action) =>
        new("InvalidAction", $"Could not find operation {action} for version", 400);

    public static AwsError MissingAction() =>
        new("MissingAction", "Missing Action", 400);

    public static AwsError MissingAuthenticationToken() =>
        new("MissingAuthenticationToken", "Request is missing Authentication Token", 403);

    public static AwsError InvalidClientTokenId() =>
        new("InvalidClientTokenId", "The security token included in the request is invalid", 403);

    public static AwsError ExpiredToken() =>
        new("ExpiredToken", "The security token included in the request is expired", 403);

    public static AwsError InternalFailure() =>
        new("InternalFailure", "We encountered an internal error. Please try again.", 500);
}

/// <summary>Thrown by engine code to abort an operation with a client-facing <see cref="AwsError"/>.</summary>
/// <remarks>Note: exceptions are reserved for unwinding deep call stacks; the host turns them back into values.</remarks>
public sealed class AwsErrorException(AwsError error) : Exception(error.Code + ": " + error.Message)
{
    public AwsError Error { get; } = error;
}
