using Irsa.Core.Json;
namespace Irsa.Webhook.Json;

/// <summary>
/// Writes the AdmissionReview response in Go's field order: <c>kind</c>, <c>apiVersion</c>
/// (each only if the request had it), then <c>response</c> with <c>uid</c>, <c>allowed</c>,
/// <c>status</c>, <c>patch</c> (standard base64), <c>patchType</c>.
/// </summary>
internal static class AdmissionReviewWriter
{
    public static byte[] Allowed(ParsedReview review, byte[]? patch)
    {
        var w = Start(review);
        w.Name("allowed");
        w.Bool(true);
        if (patch is not null)
        {
            // The same bytes as writing Convert.ToBase64String(patch) as a string: base64 needs no escaping.
            w.Base64StringField("patch", patch);
            w.StringField("patchType", "JSONPatch");
        }

        return Finish(w);
    }

    public static byte[] Denied(ParsedReview review, string message)
    {
        var w = Start(review);
        w.Name("allowed");
        w.Bool(false);
        w.Name("status");
        w.StartObject();
        w.Name("metadata");
        w.StartObject();
        w.EndObject();
        w.StringField("message", message);
        w.EndObject();
        return Finish(w);
    }

    private static GoJsonWriter Start(ParsedReview review)
    {
        var w = GoJsonWriter.Rent();
        w.StartObject();
        w.OmitEmptyString("kind", review.Kind);
        w.OmitEmptyString("apiVersion", review.ApiVersion);
        w.Name("response");
        w.StartObject();
        w.StringField("uid", review.Uid);
        return w;
    }

    private static byte[] Finish(GoJsonWriter w)
    {
        w.EndObject();
        w.EndObject();
        var bytes = w.ToArray();
        w.Return();
        return bytes;
    }
}
