namespace Irsa.Policy;

/// <summary>The type of a request context value, matching IAM's <c>ContextKeyType</c> (without the List suffix).</summary>
public enum ContextKeyType
{
    String,
    Numeric,
    Boolean,
    Date,
    Ip,
    Binary,
    Arn,
}
