using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Irsa.Core.Json;
using Irsa.Webhook.Json;
using k8s;
using k8s.Models;

namespace Irsa.Webhook;

/// <summary>
/// The pure decision engine: from a pod, its ServiceAccount entry and whether the pair is
/// enrolled in EKS Pod Identity, decides whether to mutate and builds upstream's JSON Patch
/// byte-for-byte. It never mutates the input pod and does no I/O.
/// </summary>
public sealed class PodMutator
{
    /// <summary>The label written in container-credentials mode; not affected by the annotation prefix.</summary>
    public const string PodIdentityLabel = "eks.amazonaws.com/pod-identity";

    private static readonly IReadOnlySet<string> NoContainersSkipped = FrozenSet<string>.Empty;

    private const long JitterBase = 79200;
    private const long JitterRange = 7200;

    private readonly WebhookOptions _options;
    private readonly IJitterSource _jitter;
    private readonly string _expirationAnnotation;
    private readonly string _skipAnnotation;
    private JoinedTokenFile? _lastTokenFile;

    /// <summary>Creates a mutator.</summary>
    public PodMutator(WebhookOptions options, IJitterSource? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _jitter = jitter ?? SharedRandomJitterSource.Instance;
        _expirationAnnotation = options.AnnotationPrefix + "/token-expiration";
        _skipAnnotation = options.AnnotationPrefix + "/skip-containers";
    }

    /// <summary>The options this mutator was built with.</summary>
    public WebhookOptions Options => _options;

    /// <summary>
    /// Decides and, when needed, builds the patch. <paramref name="serviceAccount"/> is the cache
    /// entry for the pod's ServiceAccount (null when unknown).
    /// </summary>
    public PodMutation Mutate(V1Pod pod, ServiceAccountInfo? serviceAccount, bool isContainerCredentialsIdentity)
    {
        var config = BuildPatchConfig(pod, serviceAccount, isContainerCredentialsIdentity);
        return config is null ? PodMutation.None : new PodMutation(config, CreatePatch(pod, config));
    }

    /// <summary>
    /// The IRSA mutation followed by the Pod Identity mutation of its result, as one patch (the second part's operations
    /// apply to the pod the first part produced); only the Pod Identity mutation when the account has no role.
    /// </summary>
    public PodMutation MutateWithBothMechanisms(V1Pod pod, ServiceAccountInfo? serviceAccount)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (Mutate(pod, serviceAccount, isContainerCredentialsIdentity: false) is not { Patch: { } webIdentityPatch })
        {
            return Mutate(pod, serviceAccount, isContainerCredentialsIdentity: true);
        }

        var patched = JsonPatch.Apply(JsonNode.Parse(KubernetesJson.Serialize(pod)), webIdentityPatch)
            ?? throw new InvalidOperationException("The web identity patch removed the pod.");
        var podIdentity = Mutate(KubernetesJson.Deserialize<V1Pod>(patched.ToJsonString()), serviceAccount, isContainerCredentialsIdentity: true);

        // Two compact JSON arrays joined into one: "[a,b]" + "[c]" → "[a,b,c]".
        var second = podIdentity.Patch!;
        var joined = new byte[webIdentityPatch.Length + second.Length - 1];
        webIdentityPatch.AsSpan(0, webIdentityPatch.Length - 1).CopyTo(joined);
        joined[webIdentityPatch.Length - 1] = (byte)',';
        second.AsSpan(1).CopyTo(joined.AsSpan(webIdentityPatch.Length));
        return new PodMutation(podIdentity.Config, joined);
    }

    /// <summary>
    /// Resolves precedence (upstream's <c>buildPodPatchConfig</c>): container credentials win over
    /// IRSA; IRSA needs a non-empty role. Null means "do not mutate".
    /// </summary>
    public PodPatchConfig? BuildPatchConfig(V1Pod pod, ServiceAccountInfo? serviceAccount, bool isContainerCredentialsIdentity)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var annotations = pod.Metadata?.Annotations;
        var skip = ParseSkipContainers(annotations);
        long? podExpiration = annotations is not null && annotations.TryGetValue(_expirationAnnotation, out var raw) && GoText.TryParseInt64(raw, out var parsed)
            ? Math.Max(parsed, WebhookOptions.MinTokenExpiration)
            : null;

        if (isContainerCredentialsIdentity)
        {
            // "Common configuration": the SA entry if the account is known at all, else fixed
            // values (86400, not the flag).
            var expiration = podExpiration ?? serviceAccount?.TokenExpiration ?? WebhookOptions.DefaultTokenExpirationSeconds;
            if (expiration == WebhookOptions.DefaultTokenExpirationSeconds)
            {
                // Spread refreshes of default-lifetime tokens over the last two hours.
                expiration = JitterBase + _jitter.Next(JitterRange);
            }

            var cc = _options.ContainerCredentials;
            return new PodPatchConfig
            {
                Mode = CredentialMode.ContainerCredentials,
                FullUri = cc.FullUri,
                Audience = cc.Audience,
                MountPath = cc.MountPath,
                VolumeName = cc.VolumeName,
                TokenPath = cc.TokenPath,
                TokenExpiration = expiration,
                UseRegionalSts = serviceAccount?.UseRegionalSts ?? false,
                SkipContainers = skip,
            };
        }

        if (serviceAccount is not { RoleArn.Length: > 0 })
        {
            return null;
        }

        return new PodPatchConfig
        {
            Mode = CredentialMode.WebIdentity,
            RoleArn = serviceAccount.RoleArn,
            Audience = serviceAccount.Audience,
            MountPath = _options.MountPath,
            VolumeName = WebhookOptions.WebIdentityVolumeName,
            TokenPath = WebhookOptions.WebIdentityTokenPath,
            TokenExpiration = podExpiration ?? serviceAccount.TokenExpiration,
            UseRegionalSts = serviceAccount.UseRegionalSts,
            SkipContainers = skip,
        };
    }

    /// <summary>Builds the compact JSON Patch (upstream's <c>getPodSpecPatch</c> + <c>json.Marshal</c>).</summary>
    public byte[] CreatePatch(V1Pod pod, PodPatchConfig config)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(config);
        var spec = pod.Spec ?? new V1PodSpec();
        var tokenFile = TokenFilePath(spec, config);
        var w = GoJsonWriter.Rent();
        try
        {
            WritePatch(w, pod, spec, config, tokenFile);
            return w.ToArray();
        }
        finally
        {
            w.Return();
        }
    }

    private void WritePatch(GoJsonWriter w, V1Pod pod, V1PodSpec spec, PodPatchConfig config, string tokenFile)
    {
        w.StartArray();

        if (config.Mode == CredentialMode.ContainerCredentials)
        {
            if (pod.Metadata?.Labels is null)
            {
                Op(w, "/metadata/labels");
                w.StartObject();
                w.StringField(PodIdentityLabel, "enabled");
                w.EndObject();
            }
            else
            {
                Op(w, "/metadata/labels/eks.amazonaws.com~1pod-identity");
                w.String("enabled");
            }

            w.EndObject();
        }

        if (!HasNamed(spec.Volumes, config.VolumeName, static v => v.Name))
        {
            if (spec.Volumes is null)
            {
                Op(w, "/spec/volumes");
                w.StartArray();
                WriteVolume(w, config);
                w.EndArray();
            }
            else
            {
                Op(w, "/spec/volumes/0");
                WriteVolume(w, config);
            }

            w.EndObject();
        }

        Op(w, "/spec/containers");
        WriteContainers(w, spec.Containers, config, tokenFile);
        w.EndObject();

        if (spec.InitContainers is { Count: > 0 } init)
        {
            Op(w, "/spec/initContainers");
            WriteContainers(w, init, config, tokenFile);
            w.EndObject();
        }

        w.EndArray();
    }

    private IReadOnlySet<string> ParseSkipContainers(IDictionary<string, string>? annotations)
    {
        if (annotations is null || !annotations.TryGetValue(_skipAnnotation, out var value))
        {
            return NoContainersSkipped;
        }

        return new HashSet<string>(GoText.ReadFirstCsvRecord(value) ?? [], StringComparer.Ordinal);
    }

    private string TokenFilePath(V1PodSpec spec, PodPatchConfig config)
    {
        // The inputs come from the options (or one service account's settings), so the last result almost
        // always applies; the cache entry is immutable, so a race only costs a recomputation.
        var joined = _lastTokenFile;
        if (joined is null || !ReferenceEquals(joined.MountPath, config.MountPath) || !ReferenceEquals(joined.TokenPath, config.TokenPath))
        {
            joined = new JoinedTokenFile(config.MountPath, config.TokenPath, GoText.JoinPath(config.MountPath, config.TokenPath));
            _lastTokenFile = joined;
        }

        var path = joined.Path;
        var selector = spec.NodeSelector;
        var windows = selector is not null
            && ((selector.TryGetValue("kubernetes.io/os", out var os) && os == "windows")
                || (selector.TryGetValue("beta.kubernetes.io/os", out var beta) && beta == "windows"));

        // Only the env value changes for Windows; the mount path stays in Unix form.
        return windows ? "C:" + path.Replace('/', '\\') : path;
    }

    private sealed record JoinedTokenFile(string MountPath, string TokenPath, string Path);

    private static void Op(GoJsonWriter w, string path)
    {
        w.StartObject();
        w.StringField("op", "add");
        w.StringField("path", path);
        w.Name("value");
    }

    private static void WriteVolume(GoJsonWriter w, PodPatchConfig config)
    {
        w.StartObject();
        w.StringField("name", config.VolumeName);
        w.Name("projected");
        w.StartObject();
        w.Name("sources");
        w.StartArray();
        w.StartObject();
        w.Name("serviceAccountToken");
        w.StartObject();
        w.OmitEmptyString("audience", config.Audience);
        w.Name("expirationSeconds");
        w.Number(config.TokenExpiration);
        w.StringField("path", config.TokenPath);
        w.EndObject();
        w.EndObject();
        w.EndArray();
        w.EndObject();
        w.EndObject();
    }

    private void WriteContainers(GoJsonWriter w, IList<V1Container>? containers, PodPatchConfig config, string tokenFile)
    {
        w.StartArray();
        for (var i = 0; i < (containers?.Count ?? 0); i++)
        {
            var container = containers![i];
            if (config.SkipContainers.Contains(container.Name ?? ""))
            {
                ContainerJsonWriter.Write(w, container);
                continue;
            }

            var (env, mount) = PlanContainer(container, config, tokenFile);
            ContainerJsonWriter.Write(w, container, env, mount);
        }

        w.EndArray();
    }

    /// <summary>Works out what one container gains (upstream's <c>addEnvToContainer</c>).</summary>
    private (List<V1EnvVar>? Env, V1VolumeMount? Mount) PlanContainer(V1Container container, PodPatchConfig config, string tokenFile)
    {
        bool webIdentity = false, containerCredentials = false, region = false, sts = false;
        var existing = container.Env;
        for (var i = 0; i < (existing?.Count ?? 0); i++)
        {
            switch (existing![i].Name)
            {
                case "AWS_ROLE_ARN" or "AWS_WEB_IDENTITY_TOKEN_FILE": webIdentity = true; break;
                case "AWS_CONTAINER_CREDENTIALS_FULL_URI" or "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": containerCredentials = true; break;
                case "AWS_REGION" or "AWS_DEFAULT_REGION": region = true; break;
                case "AWS_STS_REGIONAL_ENDPOINTS": sts = true; break;
            }
        }

        var credentials = config.Mode == CredentialMode.ContainerCredentials ? containerCredentials : webIdentity;

        // Upstream leaves a fully configured container alone, without even adding the mount.
        if (credentials && region && sts)
        {
            return (null, null);
        }

        var added = new List<V1EnvVar>(6);
        if (!sts && config.UseRegionalSts)
        {
            added.Add(Env("AWS_STS_REGIONAL_ENDPOINTS", "regional"));
        }

        if (!region && _options.Region.Length > 0)
        {
            added.Add(Env("AWS_DEFAULT_REGION", _options.Region));
            added.Add(Env("AWS_REGION", _options.Region));
        }

        if (!credentials)
        {
            if (config.Mode == CredentialMode.ContainerCredentials)
            {
                added.Add(Env("AWS_CONTAINER_CREDENTIALS_FULL_URI", config.FullUri));
                added.Add(Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile));
            }
            else
            {
                added.Add(Env("AWS_ROLE_ARN", config.RoleArn));
                added.Add(Env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile));
            }
        }

        var mount = HasNamed(container.VolumeMounts, config.VolumeName, static m => m.Name)
            ? null
            : new V1VolumeMount { Name = config.VolumeName, ReadOnlyProperty = true, MountPath = config.MountPath };
        return (added, mount);
    }

    /// <summary>Whether any item has the given name (a loop: no enumerator or closure on the hot path).</summary>
    private static bool HasNamed<T>(IList<T>? items, string name, Func<T, string?> nameOf)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (nameOf(items![i]) == name)
            {
                return true;
            }
        }

        return false;
    }

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };
}

/// <summary>The outcome of <see cref="PodMutator.Mutate"/>.</summary>
/// <param name="Config">The resolved configuration, or null when the pod is not mutated.</param>
/// <param name="Patch">The compact JSON Patch bytes, or null when the pod is not mutated.</param>
public sealed record PodMutation(PodPatchConfig? Config, byte[]? Patch)
{
    /// <summary>"Leave the pod alone".</summary>
    public static PodMutation None { get; } = new(null, null);

    /// <summary>Whether a patch was produced.</summary>
    public bool IsMutated => Patch is not null;
}
