using System.Text.RegularExpressions;

namespace Irsa.Iam.Common;

/// <summary>The model constraints of the IAM service, with the pattern text AWS quotes in <c>ValidationError</c>.</summary>
internal static partial class IamPatterns
{
    public const string NameText = @"[\w+=,.@-]+";
    public const string PathText = @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
    public const string PolicyPathText = @"((/[A-Za-z0-9\.,\+@=_-]+)*)/";
    public const string PathPrefixText = @"\u002F[\u0021-\u007F]*";
    public const string DescriptionText = @"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*";
    public const string MarkerText = @"[\u0020-\u00FF]+";
    public const string TagKeyText = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";
    public const string TagValueText = @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*";
    public const string VersionIdText = @"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?";
    public const string PolicyDocumentText = @"[\u0009\u000A\u000D\u0020-\u00FF]+";

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    public static partial Regex Name();

    [GeneratedRegex(@"^((/)|(/[\u0021-\u007E]+/))$")]
    public static partial Regex Path();

    [GeneratedRegex(@"^((/[A-Za-z0-9\.,\+@=_-]+)*)/$")]
    public static partial Regex PolicyPath();

    [GeneratedRegex(@"^/[\u0021-\u007F]*$")]
    public static partial Regex PathPrefix();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$")]
    public static partial Regex Description();

    [GeneratedRegex(@"^[\u0020-\u00FF]+$")]
    public static partial Regex Marker();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$")]
    public static partial Regex TagKey();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    public static partial Regex TagValue();

    [GeneratedRegex(@"^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$")]
    public static partial Regex VersionId();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+$")]
    public static partial Regex PolicyDocument();

    [GeneratedRegex(@"^[0-9A-Fa-f]{40}$")]
    public static partial Regex Thumbprint();
}
