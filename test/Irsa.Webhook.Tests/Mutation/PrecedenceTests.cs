using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.Mutation;

public sealed class PrecedenceTests
{
    private static readonly WebhookOptions Defaults = new();

    [Fact]
    public void ContainerCredentials_WinOverRoleArn()
    {
        var m = new PodMutator(Defaults, new FixedJitter(0)).Mutate(Simple(), Sa(sts: true, expiration: 3600), isContainerCredentialsIdentity: true);

        var patch = PatchText(m);
        Assert.Equal(CredentialMode.ContainerCredentials, m.Config!.Mode);
        Assert.StartsWith("""[{"op":"add","path":"/metadata/labels","value":{"eks.amazonaws.com/pod-identity":"enabled"}}""", patch, StringComparison.Ordinal);
        Assert.Contains("""{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_CONTAINER_CREDENTIALS_FULL_URI","value":"http://169.254.170.23/v1/credentials"},{"name":"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE","value":"/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"}""", patch, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_ROLE_ARN", patch, StringComparison.Ordinal);
        Assert.Contains("\"audience\":\"pods.eks.amazonaws.com\",\"expirationSeconds\":3600", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerCredentials_UnknownServiceAccount_UsesFixedDefaultsWithJitter()
    {
        // Not the flag (--token-expiration=7200): the constant 86400, then jittered.
        var options = new WebhookOptions { DefaultTokenExpiration = 7200, DefaultStsRegionalEndpoint = true };
        var config = new PodMutator(options, new FixedJitter(123)).BuildPatchConfig(Simple(), null, isContainerCredentialsIdentity: true)!;

        Assert.Equal(79200 + 123, config.TokenExpiration);
        Assert.False(config.UseRegionalSts);
    }

    [Fact]
    public void ContainerCredentials_ExplicitPodExpirationOf86400_IsStillJittered()
    {
        var pod = Simple("\"eks.amazonaws.com/token-expiration\":\"86400\"");
        var config = new PodMutator(Defaults, new FixedJitter(7200)).BuildPatchConfig(pod, Sa(expiration: 3600), true)!;
        Assert.Equal(86400, config.TokenExpiration);

        config = new PodMutator(Defaults, new FixedJitter(1)).BuildPatchConfig(pod, Sa(expiration: 3600), true)!;
        Assert.Equal(79201, config.TokenExpiration);
    }

    [Fact]
    public void ContainerCredentials_ExistingLabels_AddsSingleLabel()
    {
        var pod = FromJson("""{"metadata":{"labels":{}},"spec":{"containers":[{"name":"a"}]}}""");
        var patch = PatchText(new PodMutator(Defaults).Mutate(pod, null, true));
        Assert.StartsWith("""[{"op":"add","path":"/metadata/labels/eks.amazonaws.com~1pod-identity","value":"enabled"}""", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void WebIdentity_EmptyRole_DoesNotMutate() =>
        Assert.False(new PodMutator(Defaults).Mutate(Simple(), Sa(role: ""), false).IsMutated);

    [Fact]
    public void WebIdentity_UnknownServiceAccount_DoesNotMutate() =>
        Assert.False(new PodMutator(Defaults).Mutate(Simple(), null, false).IsMutated);

    [Theory]
    [InlineData("100", 600)]
    [InlineData("0", 600)]
    [InlineData("-5", 600)]
    [InlineData("+700", 700)]
    [InlineData("99999999", 99999999)]
    [InlineData("abc", 3600)]
    [InlineData(" 700", 3600)]
    [InlineData("1h", 3600)]
    [InlineData("", 3600)]
    public void PodExpiration_OverridesServiceAccount_WithFloorOnly(string annotation, long expected)
    {
        var pod = Simple($"\"eks.amazonaws.com/token-expiration\":\"{annotation}\"");
        Assert.Equal(expected, new PodMutator(Defaults).BuildPatchConfig(pod, Sa(expiration: 3600), false)!.TokenExpiration);
    }

    [Fact]
    public void AnnotationPrefix_AppliesToPodAnnotations_NotToLabel()
    {
        var options = new WebhookOptions { AnnotationPrefix = "irsa.example.com" };
        var pod = Simple("\"irsa.example.com/token-expiration\":\"1000\",\"eks.amazonaws.com/token-expiration\":\"2000\"");
        var m = new PodMutator(options).Mutate(pod, Sa(), true);
        Assert.Equal(1000, m.Config!.TokenExpiration);
        Assert.Contains("eks.amazonaws.com/pod-identity", PatchText(m), StringComparison.Ordinal);
    }

    [Fact]
    public void Region_PairIsAllOrNothing_AndStsComesFirst()
    {
        var options = new WebhookOptions { Region = "eu-west-1" };
        var pod = FromJson("""{"spec":{"containers":[{"name":"a","env":[{"name":"AWS_DEFAULT_REGION","value":"x"}]},{"name":"b"}]}}""");
        var patch = PatchText(new PodMutator(options).Mutate(pod, Sa(sts: true), false));

        Assert.Contains("""{"name":"a","env":[{"name":"AWS_DEFAULT_REGION","value":"x"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_ROLE_ARN",""", patch, StringComparison.Ordinal);
        Assert.Contains("""{"name":"b","env":[{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_DEFAULT_REGION","value":"eu-west-1"},{"name":"AWS_REGION","value":"eu-west-1"},{"name":"AWS_ROLE_ARN",""", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialPair_OneExistingNameBlocksBoth()
    {
        var pod = FromJson("""{"spec":{"containers":[{"name":"a","env":[{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","valueFrom":{"fieldRef":{"fieldPath":"x"}}}]}]}}""");
        var patch = PatchText(new PodMutator(Defaults).Mutate(pod, Sa(), false));
        Assert.DoesNotContain("AWS_ROLE_ARN", patch, StringComparison.Ordinal);
        Assert.Contains("\"volumeMounts\":[{\"name\":\"aws-iam-token\",\"readOnly\":true", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void ExistingVolumeOfAnyType_SuppressesVolumeOp_EmptyListInsertsAtFront()
    {
        var withVolume = Simple(extraSpec: ",\"volumes\":[{\"name\":\"aws-iam-token\",\"emptyDir\":{}}]");
        Assert.DoesNotContain("/spec/volumes", PatchText(new PodMutator(Defaults).Mutate(withVolume, Sa(), false)), StringComparison.Ordinal);

        var emptyList = Simple(extraSpec: ",\"volumes\":[]");
        Assert.StartsWith("""[{"op":"add","path":"/spec/volumes/0","value":{"name":"aws-iam-token",""", PatchText(new PodMutator(Defaults).Mutate(emptyList, Sa(), false)), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAudience_IsOmittedFromVolume()
    {
        var patch = PatchText(new PodMutator(Defaults).Mutate(Simple(), Sa(audience: ""), false));
        Assert.Contains("""{"serviceAccountToken":{"expirationSeconds":86400,"path":"token"}}""", patch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sidecar", new[] { "sidecar" })]
    [InlineData("\"a,b\",c", new[] { "a,b", "c" })]
    [InlineData(" sidecar", new[] { " sidecar" })]
    [InlineData("a,\"b\"\"c\"", new[] { "a", "b\"c" })]
    [InlineData("a\nb", new[] { "a" })]
    [InlineData("\n\nb,c", new[] { "b", "c" })]
    [InlineData("a\"b", new string[0])]
    [InlineData("\"a\"x", new string[0])]
    [InlineData("\"open", new string[0])]
    [InlineData("", new string[0])]
    public void SkipContainers_IsOneGoCsvRecord(string annotation, string[] expected)
    {
        var pod = Simple($"\"eks.amazonaws.com/skip-containers\":{System.Text.Json.JsonSerializer.Serialize(annotation)}");
        var config = new PodMutator(Defaults).BuildPatchConfig(pod, Sa(), false)!;
        Assert.Equal(expected.Order(StringComparer.Ordinal), config.SkipContainers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FullyConfiguredContainer_GetsNoMount_ButPodStillGetsVolume()
    {
        var pod = FromJson("""{"spec":{"containers":[{"name":"a","env":[{"name":"AWS_ROLE_ARN","value":"r"},{"name":"AWS_REGION","value":"x"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}]}]}}""");
        var patch = PatchText(new PodMutator(Defaults).Mutate(pod, Sa(), false));
        Assert.StartsWith("[{\"op\":\"add\",\"path\":\"/spec/volumes\"", patch, StringComparison.Ordinal);
        Assert.DoesNotContain("volumeMounts", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenFile_IsCleaned_MountPathIsNot()
    {
        var options = new WebhookOptions { MountPath = "/var//run/./x/" };
        var patch = PatchText(new PodMutator(options).Mutate(Simple(), Sa(), false));
        Assert.Contains("\"value\":\"/var/run/x/token\"", patch, StringComparison.Ordinal);
        Assert.Contains("\"mountPath\":\"/var//run/./x/\"", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_OnlyExactSelectorValueCounts()
    {
        var upper = Simple(extraSpec: ",\"nodeSelector\":{\"kubernetes.io/os\":\"Windows\"}");
        Assert.Contains("\"/var/run/secrets/eks.amazonaws.com/serviceaccount/token\"", PatchText(new PodMutator(Defaults).Mutate(upper, Sa(), false)), StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_DoesNotChangeTheInputPod()
    {
        var pod = Simple();
        _ = new PodMutator(new WebhookOptions { Region = "r" }).Mutate(pod, Sa(sts: true), false);
        Assert.Null(pod.Spec.Containers[0].Env);
        Assert.Null(pod.Spec.Containers[0].VolumeMounts);
        Assert.Null(pod.Spec.Volumes);
    }
}
