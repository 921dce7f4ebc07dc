using System.Text;

namespace Irsa.Webhook.Tests.Handler;

/// <summary>Inputs that once escaped as HTTP 500: every body gets an AdmissionReview answer (200), never a server error.</summary>
public sealed class NeverFailsTests
{
    private static readonly AdmissionHandler Handler = new(new PodMutator(new WebhookOptions()), new InMemoryServiceAccountStore());

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("[{\"kind\":\"AdmissionReview\"}]")]
    [InlineData("42")]
    public async Task A_review_that_is_not_an_object_is_denied_not_a_server_error(string body)
    {
        var response = await Handler.HandleAsync("application/json", Encoding.UTF8.GetBytes(body));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("couldn't get version/kind; json parse error: ", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"\ud800","namespace":"default","object":{"metadata":{"name":"p"},"spec":{"containers":[]}}}}""")]
    [InlineData("""{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u","namespace":"default","object":{"metadata":{"name":"\udfff\ud800x"},"spec":{"containers":[]}}}}""")]
    public async Task Lone_surrogate_escapes_are_answered_like_go_does(string body)
    {
        var response = await Handler.HandleAsync("application/json", Encoding.UTF8.GetBytes(body));

        // Go replaces an unpaired surrogate with U+FFFD while decoding; the review is answered normally.
        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"allowed\":true", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }
}
