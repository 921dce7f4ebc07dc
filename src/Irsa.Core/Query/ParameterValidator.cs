using System.Globalization;
using System.Text.RegularExpressions;

namespace Irsa.Core.Query;

/// <summary>
/// Collects model-constraint violations and renders them the way AWS does:
/// <c>2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: ...; Value ...</c>.
/// </summary>
public sealed class ParameterValidator
{
    private readonly List<string> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Required member: records "Member must not be null" when absent.</summary>
    public string? Required(string memberName, string? value)
    {
        if (value is null)
        {
            _errors.Add($"Value null at '{memberName}' failed to satisfy constraint: Member must not be null");
        }

        return value;
    }

    public void Length(string memberName, string? value, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            Fail(memberName, value, $"Member must have length greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (value.Length > max)
        {
            Fail(memberName, value, $"Member must have length less than or equal to {max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public void Pattern(string memberName, string? value, Regex pattern, string patternText)
    {
        if (value is not null && !pattern.IsMatch(value))
        {
            Fail(memberName, value, $"Member must satisfy regular expression pattern: {patternText}");
        }
    }

    public int? Integer(string memberName, string? value, int min, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Fail(memberName, value, "Member must be a number");
            return null;
        }

        if (number < min)
        {
            Fail(memberName, value, $"Member must have value greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (number > max)
        {
            Fail(memberName, value, $"Member must have value less than or equal to {max.ToString(CultureInfo.InvariantCulture)}");
        }

        return number;
    }

    public void Fail(string memberName, string value, string constraint) =>
        _errors.Add($"Value '{value}' at '{memberName}' failed to satisfy constraint: {constraint}");

    /// <summary>The AWS-worded message, or <c>null</c> when nothing failed.</summary>
    public string? Message => _errors.Count switch
    {
        0 => null,
        1 => "1 validation error detected: " + _errors[0],
        _ => $"{_errors.Count.ToString(CultureInfo.InvariantCulture)} validation errors detected: " + string.Join("; ", _errors),
    };

    /// <summary>Throws <see cref="Aws.AwsErrorException"/> with a <c>ValidationError</c> when anything failed.</summary>
    public void ThrowIfInvalid()
    {
        if (Message is { } message)
        {
            throw new Aws.AwsErrorException(Aws.AwsError.Validation(message));
        }
    }
}
