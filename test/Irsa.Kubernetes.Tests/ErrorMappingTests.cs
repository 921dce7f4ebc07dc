using Irsa.Cluster.Errors;
using Irsa.Storage;

namespace Irsa.Kubernetes.Tests;

public sealed class ErrorMappingTests
{
    [Fact]
    public void A_status_exception_maps_to_its_status()
    {
        var status = KubernetesStatus.NotFound("", "pods", "p");

        Assert.Same(status, KubernetesErrors.ToStatus(new KubernetesStatusException(status)));
    }

    [Fact]
    public void An_admission_refusal_maps_to_its_status()
    {
        var status = KubernetesStatus.Forbidden("", "pods", "p", "denied");

        Assert.Same(status, KubernetesErrors.ToStatus(new PodAdmissionException(status)));
    }

    [Fact]
    public void A_store_conflict_is_a_kubernetes_conflict()
    {
        var status = KubernetesErrors.ToStatus(new ConcurrencyConflictException("k8s-pods", "c/ns/p"));

        Assert.NotNull(status);
        Assert.Equal(409, status.Code);
        Assert.Equal("Conflict", status.Reason);
        Assert.StartsWith("Operation cannot be fulfilled on pods", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unexpected_exception_has_no_known_status() =>
        Assert.Null(KubernetesErrors.ToStatus(new InvalidOperationException("boom")));
}
