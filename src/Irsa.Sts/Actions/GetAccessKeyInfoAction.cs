using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Sts.Sessions;

namespace Irsa.Sts.Actions;

/// <summary>
/// <c>GetAccessKeyInfo</c>: the account an access key id belongs to. Temporary keys are decoded (they encode their account,
/// as AWS's do); long-term keys are looked up, and a key Irsa does not know is decoded like any AWS key id, so the answer
/// tells nothing about whether it exists.
/// </summary>
public static partial class GetAccessKeyInfoAction
{
    public static async Task<StsResult> ExecuteAsync(QueryParameters parameters, string requestId,
        Func<string, CancellationToken, Task<string?>>? longTermAccount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var v = new ParameterValidator();
        var keyId = v.Required("accessKeyId", parameters.Get("AccessKeyId"));
        v.Length("accessKeyId", keyId, 16, 128);
        v.Pattern("accessKeyId", keyId, KeyIdPattern(), @"[\w]*");
        if (v.Message is { } invalid)
        {
            return StsResult.Failure(AwsError.Validation(invalid));
        }

        var account = keyId!.StartsWith("AKIA", StringComparison.Ordinal) && longTermAccount is not null
            ? await longTermAccount(keyId, cancellationToken)
            : null;
        if (account is null && !AccessKeyIds.TryDecodeAccount(keyId, out account))
        {
            return StsResult.Failure(AwsError.Validation("The access key ID is not valid."), "access key id not AWS-shaped");
        }

        return StsResult.Success(QueryXml.Success(StsProtocol.GetAccessKeyInfo, StsProtocol.Namespace, requestId,
            xml => xml.WriteElementString("Account", account)));
    }

    [GeneratedRegex(@"^\w*$")]
    private static partial Regex KeyIdPattern();
}
