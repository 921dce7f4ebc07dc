namespace Irsa.Policy.Tests;

/// <summary>Shorthands for building policies and requests in tests.</summary>
internal static class TestPolicy
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";
    public const string RoleArn = "arn:aws:iam::111122223333:role/app";
    public const string SessionArn = "arn:aws:sts::111122223333:assumed-role/app/s1";
    public const string UserArn = "arn:aws:iam::111122223333:user/alice";
    public const string Bucket = "arn:aws:s3:::bucket";

    public static RequestPrincipal Session { get; } = RequestPrincipal.AssumedRole(SessionArn, RoleArn);

    public static PolicyDocument Parse(string json, PolicyKind kind = PolicyKind.Identity)
    {
        var result = PolicyDocument.Parse(json, kind);
        Assert.True(result.IsValid, result.Error?.Message);
        return result.Document;
    }

    public static PolicyEntry Entry(string json, PolicyKind kind = PolicyKind.Identity, string id = "p", PolicySourceType type = PolicySourceType.Role) =>
        new(id, type, Parse(json, kind));

    /// <summary>An identity policy allowing s3:GetObject on everything under the given Condition block.</summary>
    public static PolicyEntry WithCondition(string conditionJson, string version = "2012-10-17") =>
        Entry("{\"Version\":\"" + version + "\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":" + conditionJson + "}}");

    /// <summary>
    /// A request for s3:GetObject by the role session with context entries written as <c>key=value</c>,
    /// <c>key=[a,b]</c> for a multivalued key, <c>key=[]</c> for an empty list.
    /// </summary>
    public static RequestContext Context(params string[] entries) => ContextFor("s3:GetObject", Bucket + "/key", entries);

    public static RequestContext ContextFor(string action, string resource, params string[] entries)
    {
        var builder = RequestContext.CreateBuilder(action, resource).WithPrincipal(Session);
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var key = entry[..eq];
            var value = entry[(eq + 1)..];
            if (value.StartsWith('[') && value.EndsWith(']'))
            {
                var inner = value[1..^1];
                builder.SetList(key, inner.Length == 0 ? [] : inner.Split(','));
            }
            else
            {
                builder.Add(key, value);
            }
        }

        return builder.Build();
    }

    public static AuthorizationResult EvaluateIdentity(PolicyEntry policy, RequestContext context) =>
        PolicyEvaluator.Evaluate(new AuthorizationRequest(context) { IdentityPolicies = [policy] });

    public static bool Allows(PolicyEntry policy, RequestContext context) => EvaluateIdentity(policy, context).IsAllowed;
}
