using System.Text;
using System.Text.Json;
using Irsa.Core.Aws;
using Irsa.S3.Metadata;
using Irsa.S3.Protocol;
using Irsa.S3.Xml;
using Irsa.Storage;

namespace Irsa.S3.Policies;

/// <summary>The policy text of a bucket and its owner, for the host's authorizer.</summary>
public sealed record BucketPolicyInfo(string OwnerAccountId, string? PolicyText);

/// <summary>
/// PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy and GetBucketPolicyStatus. The text is stored as sent; the
/// host's policy engine parses it when it authorizes, so here it is only checked to be JSON with a Statement.
/// </summary>
internal sealed class BucketPolicyHandlers(S3Context context)
{
    /// <summary>AWS limits bucket policies to 20 KB.</summary>
    private const int MaxPolicyBytes = 20 * 1024;

    public async Task<BucketPolicyInfo?> GetPolicyAsync(string bucket, CancellationToken cancellationToken)
    {
        var owner = await context.Metadata.GetBucketAsync(bucket, cancellationToken);
        if (owner is null)
        {
            return null;
        }

        var policy = await context.Metadata.GetBucketPolicyAsync(bucket, cancellationToken);
        return new BucketPolicyInfo(owner.OwnerAccountId, policy?.PolicyText);
    }

    public async Task<S3Response> PutAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await RequireOwnedBucketAsync(request, cancellationToken);
        var bytes = await request.Body.ReadBoundedAsync(MaxPolicyBytes, cancellationToken)
            ?? throw new AwsErrorException(S3Errors.MalformedPolicy("Policies must be less than 20 KB"));
        var text = Encoding.UTF8.GetString(bytes);
        Validate(text);
        await context.Metadata.Store.TransactAsync(async session =>
        {
            await S3Metadata.RequireBucketAsync(session, bucket.Name);
            await session.PutAsync(S3Metadata.BucketPolicies, bucket.Name, new BucketPolicyDocument(bucket.Name, text));
        }, cancellationToken);
        return S3Response.NoContent();
    }

    public async Task<S3Response> GetAsync(S3Request request, CancellationToken cancellationToken)
    {
        var text = await RequirePolicyAsync(request, cancellationToken);
        var body = Encoding.UTF8.GetBytes(text);
        return new S3Response { Body = body, ContentLength = body.Length, BytesTransferredOut = body.Length }
            .WithHeader("Content-Type", "application/json");
    }

    public async Task<S3Response> DeleteAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await RequireOwnedBucketAsync(request, cancellationToken);
        await context.Metadata.Store.TransactAsync(session => session.DeleteAsync(S3Metadata.BucketPolicies, bucket.Name), cancellationToken);
        return S3Response.NoContent();
    }

    public async Task<S3Response> GetStatusAsync(S3Request request, CancellationToken cancellationToken)
    {
        var text = await RequirePolicyAsync(request, cancellationToken);
        var body = S3Xml.Document("PolicyStatus", w => w.Element("IsPublic", IsPublic(text)));
        return S3Response.Xml(body);
    }

    /// <summary>Public when an Allow statement names every principal (<c>*</c>) without a narrowing condition.</summary>
    internal static bool IsPublic(string policyText)
    {
        using var document = JsonDocument.Parse(policyText);
        return Statements(document.RootElement).Any(statement =>
            statement.TryGetProperty("Effect", out var effect) && effect.ValueEquals("Allow")
            && !statement.TryGetProperty("Condition", out _)
            && statement.TryGetProperty("Principal", out var principal) && NamesEveryone(principal));

        static bool NamesEveryone(JsonElement principal) => principal.ValueKind switch
        {
            JsonValueKind.String => principal.ValueEquals("*"),
            JsonValueKind.Object => principal.TryGetProperty("AWS", out var aws) && NamesEveryone(aws),
            JsonValueKind.Array => principal.EnumerateArray().Any(NamesEveryone),
            _ => false,
        };
    }

    private static List<JsonElement> Statements(JsonElement policy)
    {
        var statement = policy.GetProperty("Statement");
        return statement.ValueKind == JsonValueKind.Array ? statement.EnumerateArray().ToList() : [statement];
    }

    private static void Validate(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AwsErrorException(S3Errors.MalformedPolicy("Policies must be valid JSON and the first byte must be '{'"));
            }

            if (!document.RootElement.TryGetProperty("Statement", out var statement)
                || statement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object)
                || (statement.ValueKind == JsonValueKind.Array && statement.GetArrayLength() == 0))
            {
                throw new AwsErrorException(S3Errors.MalformedPolicy("Missing required field Statement"));
            }
        }
        catch (JsonException)
        {
            throw new AwsErrorException(S3Errors.MalformedPolicy("This policy contains invalid Json"));
        }
    }

    private async Task<string> RequirePolicyAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await RequireOwnedBucketAsync(request, cancellationToken);
        var policy = await context.Metadata.Store.GetAsync<BucketPolicyDocument>(S3Metadata.BucketPolicies, bucket.Name, cancellationToken);
        return policy?.PolicyText ?? throw new AwsErrorException(S3Errors.NoSuchBucketPolicy(bucket.Name));
    }

    /// <summary>Only the owner account manages a bucket's policy: another account holding the action gets 405.</summary>
    private async Task<BucketDocument> RequireOwnedBucketAsync(S3Request request, CancellationToken cancellationToken)
    {
        var bucket = await context.Metadata.RequireBucketAsync(request.Bucket!, cancellationToken);
        if (bucket.OwnerAccountId != request.OwnerAccountId)
        {
            throw new AwsErrorException(S3Errors.MethodNotAllowed(request.Method, "BUCKETPOLICY"));
        }

        return bucket;
    }
}
