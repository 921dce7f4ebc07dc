using System.Text;
using Irsa.Cluster.Errors;

namespace Irsa.Cluster.Tests.Errors;

public sealed class KubernetesStatusTests
{
    [Fact]
    public void Invalid_HasGoFieldOrder_CausesAndEscaping()
    {
        var status = KubernetesStatus.Invalid(
            "authentication.k8s.io",
            "TokenRequest",
            "",
            [FieldError.Invalid("spec.expirationSeconds", 599, "may not specify a duration less than 10 minutes")]);

        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes","reason":"Invalid","details":{"group":"authentication.k8s.io","kind":"TokenRequest","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 599: may not specify a duration less than 10 minutes","field":"spec.expirationSeconds"}]},"code":422}""",
            Encoding.UTF8.GetString(status.ToJson()));
    }

    [Fact]
    public void BadRequest_HasNoDetails_AndEscapesHtml()
    {
        var json = Encoding.UTF8.GetString(KubernetesStatus.BadRequest("a<b>&c").ToJson());

        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"a\u003cb\u003e\u0026c","reason":"BadRequest","code":400}""", json);
    }

    [Fact]
    public void ToV1Status_CarriesTheSameValues()
    {
        var status = KubernetesStatus.NotFound("", "pods", "p").ToV1Status();

        Assert.Equal(("Status", "v1", "Failure", 404, "NotFound", "pods"), (status.Kind, status.ApiVersion, status.Status, status.Code, status.Reason, status.Details.Kind));
    }

    [Fact]
    public void WarningHeader_IsQuotedWithCode299() =>
        Assert.Equal("299 - \"requested expiration of 86400 seconds shortened to 7200 seconds\"", KubernetesWarning.FormatHeaderValue("requested expiration of 86400 seconds shortened to 7200 seconds"));
}
