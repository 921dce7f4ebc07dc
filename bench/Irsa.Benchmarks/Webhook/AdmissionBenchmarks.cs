// Run: dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*Admission*'
//
// Measures one /mutate request through AdmissionHandler (decode review + pod, decide, build the
// Go-compatible patch, write the response) against the cost of merely parsing the same
// AdmissionReview JSON, so the webhook's own overhead is visible as a ratio.
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Irsa.Webhook;

namespace Irsa.Benchmarks.Webhook;

[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private byte[] _review = [];
    private AdmissionHandler _handler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new WebhookOptions { Region = "us-west-2", DefaultStsRegionalEndpoint = true };
        var store = new InMemoryServiceAccountStore(new ServiceAccountAnnotationParser(options));
        store.SetAnnotations("shop", "checkout", new Dictionary<string, string>
        {
            ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::111122223333:role/checkout",
            ["eks.amazonaws.com/token-expiration"] = "3600",
        });
        _handler = new AdmissionHandler(new PodMutator(options), store);

        // A typical Deployment-generated pod: two containers with env, probes, resources, mounts.
        _review = Encoding.UTF8.GetBytes("""
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
        "namespace":"shop","operation":"CREATE","userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
        "object":{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"checkout-7d9f8c-","labels":{"app":"checkout"},
        "annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}},
        "spec":{"serviceAccountName":"checkout","volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}]}}],
        "containers":[{"name":"app","image":"registry.example.com/checkout:1.2.3","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
        "env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}],
        "resources":{"limits":{"memory":"512Mi"},"requests":{"cpu":"250m","memory":"256Mi"}},
        "volumeMounts":[{"name":"kube-api-access","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],
        "livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},"periodSeconds":10},
        "readinessProbe":{"httpGet":{"path":"/ready","port":8080},"initialDelaySeconds":5},
        "imagePullPolicy":"IfNotPresent","securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false}},
        {"name":"proxy","image":"registry.example.com/proxy:2.0","args":["--upstream=127.0.0.1:8080"],"resources":{"requests":{"cpu":"50m"}}}]}}}}
        """);
    }

    [Benchmark(Baseline = true, Description = "Parse AdmissionReview JSON only")]
    public int ParseOnly()
    {
        using var doc = JsonDocument.Parse(_review);
        return doc.RootElement.GetProperty("request").GetProperty("object").GetProperty("spec").GetProperty("containers").GetArrayLength();
    }

    [Benchmark(Description = "AdmissionHandler.HandleAsync (mutating)")]
    public async Task<int> Handle()
    {
        var response = await _handler.HandleAsync("application/json", _review);
        return response.Body.Length;
    }
}
