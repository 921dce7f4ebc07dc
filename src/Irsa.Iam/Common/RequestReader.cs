using System.Globalization;
using System.Text.RegularExpressions;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Iam.Common;

/// <summary>
/// Reads typed members out of awsQuery parameters while collecting model-constraint violations, so one request
/// reports all of them in a single AWS-worded <c>ValidationError</c>.
/// </summary>
internal sealed class RequestReader(QueryParameters parameters)
{
    private readonly ParameterValidator _validator = new();

    public QueryParameters Parameters { get; } = parameters;

    /// <summary>AWS names members lower-camel in validation messages (<c>RoleName</c> → <c>roleName</c>).</summary>
    public static string MemberName(string parameter) =>
        parameter.Length == 0 ? parameter : char.ToLowerInvariant(parameter[0]) + parameter[1..];

    public string Required(string name, int min, int max, Regex? pattern = null, string? patternText = null) =>
        _validator.Required(MemberName(name), Optional(name, min, max, pattern, patternText)) ?? string.Empty;

    public string? Optional(string name, int min, int max, Regex? pattern = null, string? patternText = null)
    {
        var value = Parameters.Get(name);
        if (value is null)
        {
            return null;
        }

        var member = MemberName(name);
        _validator.Length(member, value, min, max);
        if (pattern is not null)
        {
            _validator.Pattern(member, value, pattern, patternText ?? pattern.ToString());
        }

        return value;
    }

    public int? OptionalInt(string name, int min, int max) => _validator.Integer(MemberName(name), Parameters.Get(name), min, max);

    public bool? OptionalBool(string name)
    {
        var value = Parameters.Get(name);
        if (value is null)
        {
            return null;
        }

        if (bool.TryParse(value, out var result))
        {
            return result;
        }

        _validator.Fail(MemberName(name), value, "Member must be a boolean");
        return null;
    }

    public string? OptionalEnum(string name, params string[] allowed)
    {
        var value = Parameters.Get(name);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            _validator.Fail(MemberName(name), value, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }

        return value;
    }

    /// <summary>
    /// The most members a list the model leaves unbounded may have (<c>ActionNames</c>, <c>ResourceArns</c>,
    /// <c>ContextEntries</c>, <c>ClientIDList</c>...). AWS publishes no number; 1000 is IAM's largest page
    /// (<c>MaxItems</c>), far above any real request, and it bounds the work done before a list is even read.
    /// </summary>
    public const int DefaultMaxMembers = 1000;

    /// <summary>The model's list maxima, by member name (IAM uses one list shape per name across operations).</summary>
    private static readonly Dictionary<string, int> ModelMaxMembers = new(StringComparer.Ordinal)
    {
        ["Tags"] = IamTags.MaxTags,
        ["TagKeys"] = IamTags.MaxTags,
    };

    /// <summary>The list's member limit (the model's, else <see cref="DefaultMaxMembers"/>).</summary>
    public static int MaxMembers(string name) => ModelMaxMembers.GetValueOrDefault(name, DefaultMaxMembers);

    /// <summary>
    /// Checks the list's member count against its cap before any member is read; over the cap the list counts as
    /// absent and the violation is recorded in AWS's words (the echoed value is the count: the members may be megabytes).
    /// </summary>
    public bool WithinMemberLimit(string name, int maxMembers)
    {
        var count = Parameters.MemberCount(name);
        if (count <= maxMembers)
        {
            return true;
        }

        _validator.Fail(MemberName(name), $"[{count.ToString(CultureInfo.InvariantCulture)} members]",
            $"Member must have length less than or equal to {maxMembers.ToString(CultureInfo.InvariantCulture)}");
        return false;
    }

    /// <summary>Reads <c>{name}.member.N</c>, checking the member count, then each element's length (and pattern).</summary>
    public IReadOnlyList<string>? OptionalList(string name, int min, int max, Regex? pattern = null, string? patternText = null)
    {
        if (!WithinMemberLimit(name, MaxMembers(name)))
        {
            return [];
        }

        var list = Parameters.GetList(name);
        if (list is null)
        {
            return null;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var member = $"{MemberName(name)}.{(i + 1).ToString(CultureInfo.InvariantCulture)}.member";
            _validator.Length(member, list[i], min, max);
            if (pattern is not null)
            {
                _validator.Pattern(member, list[i], pattern, patternText ?? pattern.ToString());
            }
        }

        return list;
    }

    public IReadOnlyList<string> RequiredList(string name, int min, int max, Regex? pattern = null, string? patternText = null)
    {
        var list = OptionalList(name, min, max, pattern, patternText);
        if (list is null)
        {
            _validator.Required(MemberName(name), null);
        }

        return list ?? [];
    }

    /// <summary>A policy document: 1..<paramref name="max"/> characters of the allowed policy alphabet.</summary>
    public string RequiredPolicyDocument(string name, int max = 131072) =>
        Required(name, 1, max, IamPatterns.PolicyDocument(), IamPatterns.PolicyDocumentText);

    public string RequiredArn(string name) => Required(name, 20, 2048);

    public string? OptionalArn(string name) => Optional(name, 20, 2048);

    /// <summary>Reads <c>Tags.member.N.Key/Value</c>; duplicate keys (case-insensitive, as IAM compares them) are <c>InvalidInput</c>.</summary>
    public IReadOnlyList<IamTag>? OptionalTags(string name = "Tags")
    {
        // Over the cap IAM answers LimitExceeded (see CheckTagRules); doing so before reading a member bounds the work.
        if (Parameters.MemberCount(name) > MaxMembers(name))
        {
            throw TooManyTags();
        }

        var structs = Parameters.GetStructList(name);
        if (structs is null)
        {
            return null;
        }

        var tags = new List<IamTag>(structs.Count);
        for (var i = 0; i < structs.Count; i++)
        {
            var prefix = $"{MemberName(name)}.{(i + 1).ToString(CultureInfo.InvariantCulture)}.member";
            var key = structs[i].GetValueOrDefault("Key");
            var value = structs[i].GetValueOrDefault("Value");
            _validator.Required(prefix + ".key", key);
            _validator.Required(prefix + ".value", value);
            _validator.Length(prefix + ".key", key, 1, 128);
            _validator.Pattern(prefix + ".key", key, IamPatterns.TagKey(), IamPatterns.TagKeyText);
            _validator.Length(prefix + ".value", value, 0, 256);
            _validator.Pattern(prefix + ".value", value, IamPatterns.TagValue(), IamPatterns.TagValueText);
            if (key is not null && value is not null)
            {
                tags.Add(new IamTag(key, value));
            }
        }

        return tags;
    }

    public IReadOnlyList<IamTag> RequiredTags(string name = "Tags")
    {
        var tags = OptionalTags(name);
        if (tags is null)
        {
            _validator.Required(MemberName(name), null);
        }

        return tags ?? [];
    }

    public PageRequest Paging() => new(
        Optional("Marker", 1, 320, IamPatterns.Marker(), IamPatterns.MarkerText),
        OptionalInt("MaxItems", 1, 1000) ?? 100);

    public void ThrowIfInvalid() => _validator.ThrowIfInvalid();

    /// <summary>Finishes validation, then applies the semantic tag rules (which come after model constraints).</summary>
    public static void CheckTagRules(IReadOnlyList<IamTag>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > IamTags.MaxTags)
        {
            throw TooManyTags();
        }

        if (tags.Select(t => t.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != tags.Count)
        {
            throw new AwsErrorException(AwsError.InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
        }
    }

    private static AwsErrorException TooManyTags() =>
        new(AwsError.LimitExceeded("The number of tags has reached the maximum limit."));
}

/// <summary>A <c>Marker</c>/<c>MaxItems</c> pair from a List* request.</summary>
internal readonly record struct PageRequest(string? Marker, int MaxItems);
