namespace Irsa.Iam.Common;

/// <summary>
/// IAM returns every policy document RFC 3986 percent-encoded: everything outside <c>A-Za-z0-9-_.~</c>
/// becomes <c>%XX</c> of its UTF-8 bytes, space is <c>%20</c> and never <c>+</c>.
/// </summary>
/// <remarks>
/// Note: botocore decodes with <c>unquote()</c>, not <c>unquote_plus()</c>, so a <c>+</c> would survive as a
/// literal plus; <see cref="Uri.EscapeDataString(string)"/> implements exactly the RFC 3986 unreserved set.
/// </remarks>
public static class PolicyDocumentEncoding
{
    public static string Encode(string document) => Uri.EscapeDataString(document);
}
