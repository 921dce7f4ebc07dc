using Irsa.Core.Aws;

namespace Irsa.Audit.Query;

/// <summary>The CloudTrail API's client errors (awsJson 1.1: <c>{"__type": code, "message": …}</c>, HTTP 400).</summary>
public static class CloudTrailErrors
{
    public static AwsError InvalidLookupAttributes(string message) => new("InvalidLookupAttributesException", message, 400);

    public static AwsError InvalidTimeRange() =>
        new("InvalidTimeRangeException", "Start time must be before end time, and both must be valid timestamps.", 400);

    public static AwsError InvalidMaxResults() => new("InvalidMaxResultsException", "MaxResults must be between 1 and 50.", 400);

    public static AwsError InvalidNextToken() =>
        new("InvalidNextTokenException", "The NextToken is not valid for these request parameters.", 400);

    public static AwsError InvalidEventCategory() => new("InvalidEventCategoryException", "EventCategory must be insight.", 400);
}
