using Irsa.Core.Aws;

namespace Irsa.Sts;

/// <summary>
/// The STS error catalogue: exact wire codes, HTTP statuses and, where real AWS output is known, its wording.
/// </summary>
/// <remarks>
/// Note: an expired web identity token is <c>ExpiredTokenException</c>/400, while an expired session on a signed
/// call is <c>ExpiredToken</c>/403 (<see cref="AwsError.ExpiredToken"/>); SDKs map the two differently.
/// </remarks>
public static class StsErrors
{
    /// <summary>The message AWS sends for every failure to obtain the issuer's verification keys.</summary>
    public const string KeyRetrievalMessage =
        "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements";

    /// <summary>Irsa's own message when the pod a token is bound to is gone (no AWS equivalent).</summary>
    public const string PodGoneMessage = "The pod this token is bound to no longer exists";

    /// <summary>Irsa's own message when the service account of a token not bound to a pod is gone or was re-created.</summary>
    public const string ServiceAccountGoneMessage = "The service account this token was issued for no longer exists";

    public const string NotAJwtMessage = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)";

    public const string InvalidSignatureMessage = "The signature of the ID Token could not be verified";

    public static AwsError InvalidIdentityToken(string message) => new("InvalidIdentityToken", message, 400);

    /// <summary>Note the missing space before the expiry: that is how AWS words it.</summary>
    public static AwsError ExpiredWebIdentityToken(long now, long expiry) =>
        new("ExpiredTokenException", $"Token expired: current date/time {now} must be before the expiration date/time{expiry}", 400);

    public static AwsError TokenTooOld(long ageSeconds) => new("ExpiredTokenException", $"Token too old: {ageSeconds}", 400);

    public static AwsError IdpRejectedClaim(string message) => new("IDPRejectedClaim", message, 403);

    public static AwsError IdpCommunicationError(string message) => new("IDPCommunicationError", message, 400);

    public static AwsError AssumeRoleDenied() => AwsError.AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");

    public static AwsError PackedPolicyTooLarge(int percent) =>
        new("PackedPolicyTooLarge", $"Packed policy consumes {percent}% of allotted space, please use smaller policy.", 400);

    /// <summary>Tags alone over their budget: AWS words this one differently from the policy overflow.</summary>
    public static AwsError PackedTagsTooLarge(int percent) =>
        new("PackedPolicyTooLarge", $"Packed size of session tags consumes {percent}% of allotted space.", 400);

    /// <summary>AWS's denial of an AWS principal: no reason is given, and a missing role reads the same.</summary>
    public static AwsError NotAuthorized(string principalArn, string action, string resourceArn) =>
        AwsError.AccessDenied($"User: {principalArn} is not authorized to perform: {action} on resource: {resourceArn}");

    public const string SessionCredentialsMessage = "Cannot call GetSessionToken with session credentials";

    public static AwsError NoProvider(string issuer) => InvalidIdentityToken($"No OpenIDConnect provider found in your account for {issuer}");
}
