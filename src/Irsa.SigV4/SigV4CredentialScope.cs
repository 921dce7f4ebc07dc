namespace Irsa.SigV4;

/// <summary>
/// The parsed <c>Credential</c> value: <c>AKID/yyyyMMdd/region/service/aws4_request</c>. The caller routes on
/// <see cref="Region"/> and <see cref="Service"/>; the library never pins them.
/// </summary>
public sealed record SigV4CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    /// <summary>The scope string that enters the string to sign: <c>date/region/service/aws4_request</c>.</summary>
    public string ScopeString => $"{Date}/{Region}/{Service}/{SigV4Constants.Terminator}";
}
