using Irsa.Core.Json;
using k8s.Models;

namespace Irsa.Webhook.Json;

/// <summary>
/// Writes <c>corev1.Container</c> the way Go's <c>encoding/json</c> does for k8s.io/api v0.36.0:
/// struct-declaration field order, <c>omitempty</c> honoured, pointers written whenever set and
/// nested structs never omitted. Fields unknown to that API version are dropped, as Go drops them
/// when it decodes the pod.
/// </summary>
internal static class ContainerJsonWriter
{
    /// <summary>
    /// Writes one container; <paramref name="extraEnv"/> and <paramref name="extraMount"/> are
    /// appended after the existing entries so the input model is never mutated.
    /// </summary>
    public static void Write(GoJsonWriter w, V1Container c, IReadOnlyList<V1EnvVar>? extraEnv = null, V1VolumeMount? extraMount = null)
    {
        w.StartObject();
        w.StringField("name", c.Name);
        w.OmitEmptyString("image", c.Image);
        w.OmitEmptyStringList("command", c.Command);
        w.OmitEmptyStringList("args", c.Args);
        w.OmitEmptyString("workingDir", c.WorkingDir);
        List("ports", c.Ports, WritePort);
        List("envFrom", c.EnvFrom, WriteEnvFrom);
        WriteEnv(w, c.Env, extraEnv);
        w.Name("resources");
        WriteResources(w, c.Resources);
        List("resizePolicy", c.ResizePolicy, (w2, p) =>
        {
            w2.StartObject();
            w2.StringField("resourceName", p.ResourceName);
            w2.StringField("restartPolicy", p.RestartPolicy);
            w2.EndObject();
        });
        w.OptionalStringPointer("restartPolicy", c.RestartPolicy);
        List("restartPolicyRules", c.RestartPolicyRules, WriteRestartRule);
        WriteMounts(w, c.VolumeMounts, extraMount);
        List("volumeDevices", c.VolumeDevices, (w2, d) =>
        {
            w2.StartObject();
            w2.StringField("name", d.Name);
            w2.StringField("devicePath", d.DevicePath);
            w2.EndObject();
        });
        Probe(w, "livenessProbe", c.LivenessProbe);
        Probe(w, "readinessProbe", c.ReadinessProbe);
        Probe(w, "startupProbe", c.StartupProbe);
        if (c.Lifecycle is { } lifecycle)
        {
            w.Name("lifecycle");
            WriteLifecycle(w, lifecycle);
        }

        w.OmitEmptyString("terminationMessagePath", c.TerminationMessagePath);
        w.OmitEmptyString("terminationMessagePolicy", c.TerminationMessagePolicy);
        w.OmitEmptyString("imagePullPolicy", c.ImagePullPolicy);
        if (c.SecurityContext is { } sc)
        {
            w.Name("securityContext");
            WriteSecurityContext(w, sc);
        }

        w.OmitEmptyBool("stdin", c.Stdin);
        w.OmitEmptyBool("stdinOnce", c.StdinOnce);
        w.OmitEmptyBool("tty", c.Tty);
        w.EndObject();

        void List<T>(string name, IList<T>? items, Action<GoJsonWriter, T> write)
        {
            if (items is not { Count: > 0 })
            {
                return;
            }

            w.Name(name);
            w.StartArray();
            for (var i = 0; i < items.Count; i++)
            {
                write(w, items[i]);
            }

            w.EndArray();
        }
    }

    private static void WritePort(GoJsonWriter w, V1ContainerPort p)
    {
        w.StartObject();
        w.OmitEmptyString("name", p.Name);
        w.OmitEmptyNumber("hostPort", p.HostPort);
        w.Name("containerPort");
        w.Number(p.ContainerPort);
        w.OmitEmptyString("protocol", p.Protocol);
        w.OmitEmptyString("hostIP", p.HostIP);
        w.EndObject();
    }

    private static void WriteEnvFrom(GoJsonWriter w, V1EnvFromSource e)
    {
        w.StartObject();
        w.OmitEmptyString("prefix", e.Prefix);
        if (e.ConfigMapRef is { } cm)
        {
            w.Name("configMapRef");
            w.StartObject();
            w.OmitEmptyString("name", cm.Name);
            w.OptionalBoolPointer("optional", cm.Optional);
            w.EndObject();
        }

        if (e.SecretRef is { } s)
        {
            w.Name("secretRef");
            w.StartObject();
            w.OmitEmptyString("name", s.Name);
            w.OptionalBoolPointer("optional", s.Optional);
            w.EndObject();
        }

        w.EndObject();
    }

    private static void WriteEnv(GoJsonWriter w, IList<V1EnvVar>? env, IReadOnlyList<V1EnvVar>? extra)
    {
        if ((env?.Count ?? 0) + (extra?.Count ?? 0) == 0)
        {
            return;
        }

        w.Name("env");
        w.StartArray();
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            WriteEnvVar(w, env![i]);
        }

        for (var i = 0; i < (extra?.Count ?? 0); i++)
        {
            WriteEnvVar(w, extra![i]);
        }

        w.EndArray();
    }

    private static void WriteEnvVar(GoJsonWriter w, V1EnvVar e)
    {
        w.StartObject();
        w.StringField("name", e.Name);
        w.OmitEmptyString("value", e.Value);
        if (e.ValueFrom is { } from)
        {
            w.Name("valueFrom");
            WriteEnvVarSource(w, from);
        }

        w.EndObject();
    }

    private static void WriteEnvVarSource(GoJsonWriter w, V1EnvVarSource s)
    {
        w.StartObject();
        if (s.FieldRef is { } f)
        {
            w.Name("fieldRef");
            w.StartObject();
            w.OmitEmptyString("apiVersion", f.ApiVersion);
            w.StringField("fieldPath", f.FieldPath);
            w.EndObject();
        }

        if (s.ResourceFieldRef is { } r)
        {
            w.Name("resourceFieldRef");
            w.StartObject();
            w.OmitEmptyString("containerName", r.ContainerName);
            w.StringField("resource", r.Resource);

            // Quantity is a struct in Go, so omitempty never drops it: unset is written as "0".
            w.StringField("divisor", QuantityText.Of(r.Divisor));
            w.EndObject();
        }

        if (s.ConfigMapKeyRef is { } cm)
        {
            w.Name("configMapKeyRef");
            w.StartObject();
            w.OmitEmptyString("name", cm.Name);
            w.StringField("key", cm.Key);
            w.OptionalBoolPointer("optional", cm.Optional);
            w.EndObject();
        }

        if (s.SecretKeyRef is { } sk)
        {
            w.Name("secretKeyRef");
            w.StartObject();
            w.OmitEmptyString("name", sk.Name);
            w.StringField("key", sk.Key);
            w.OptionalBoolPointer("optional", sk.Optional);
            w.EndObject();
        }

        if (s.FileKeyRef is { } fk)
        {
            w.Name("fileKeyRef");
            w.StartObject();
            w.StringField("volumeName", fk.VolumeName);
            w.StringField("path", fk.Path);
            w.StringField("key", fk.Key);
            w.OptionalBoolPointer("optional", fk.Optional);
            w.EndObject();
        }

        w.EndObject();
    }

    private static void WriteResources(GoJsonWriter w, V1ResourceRequirements? r)
    {
        w.StartObject();
        if (r is not null)
        {
            QuantityMap(w, "limits", r.Limits);
            QuantityMap(w, "requests", r.Requests);
            if (r.Claims is { Count: > 0 } claims)
            {
                w.Name("claims");
                w.StartArray();
                foreach (var claim in claims)
                {
                    w.StartObject();
                    w.StringField("name", claim.Name);
                    w.OmitEmptyString("request", claim.Request);
                    w.EndObject();
                }

                w.EndArray();
            }
        }

        w.EndObject();
    }

    private static void QuantityMap(GoJsonWriter w, string name, IDictionary<string, ResourceQuantity>? map)
    {
        if (map is not { Count: > 0 })
        {
            return;
        }

        w.Name(name);
        w.StartObject();

        // Go writes map keys sorted by their bytes. Resource maps hold a handful of entries.
        var entries = new KeyValuePair<string, ResourceQuantity>[map.Count];
        map.CopyTo(entries, 0);
        if (entries.Length > 1)
        {
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        foreach (var (key, quantity) in entries)
        {
            w.StringField(key, QuantityText.Of(quantity));
        }

        w.EndObject();
    }

    private static void WriteRestartRule(GoJsonWriter w, V1ContainerRestartRule rule)
    {
        w.StartObject();
        w.OmitEmptyString("action", rule.Action);
        if (rule.ExitCodes is { } codes)
        {
            w.Name("exitCodes");
            w.StartObject();
            w.OmitEmptyString("operator", codes.OperatorProperty);
            if (codes.Values is { Count: > 0 } values)
            {
                w.Name("values");
                w.StartArray();
                foreach (var v in values)
                {
                    w.Number(v ?? 0);
                }

                w.EndArray();
            }

            w.EndObject();
        }

        w.EndObject();
    }

    private static void WriteMounts(GoJsonWriter w, IList<V1VolumeMount>? mounts, V1VolumeMount? extra)
    {
        if ((mounts?.Count ?? 0) == 0 && extra is null)
        {
            return;
        }

        w.Name("volumeMounts");
        w.StartArray();
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            WriteMount(w, mounts![i]);
        }

        if (extra is not null)
        {
            WriteMount(w, extra);
        }

        w.EndArray();
    }

    internal static void WriteMount(GoJsonWriter w, V1VolumeMount m)
    {
        w.StartObject();
        w.StringField("name", m.Name);
        w.OmitEmptyBool("readOnly", m.ReadOnlyProperty);
        w.OptionalStringPointer("recursiveReadOnly", m.RecursiveReadOnly);
        w.StringField("mountPath", m.MountPath);
        w.OmitEmptyString("subPath", m.SubPath);
        w.OptionalStringPointer("mountPropagation", m.MountPropagation);
        w.OmitEmptyString("subPathExpr", m.SubPathExpr);
        w.EndObject();
    }

    /// <summary>The actions probes and lifecycle hooks share, in Go's field order (each handler adds its own after them).</summary>
    private static void WriteHandlerActions(GoJsonWriter w, V1ExecAction? exec, V1HTTPGetAction? http, V1TCPSocketAction? tcp)
    {
        if (exec is not null)
        {
            w.Name("exec");
            WriteExec(w, exec);
        }

        if (http is not null)
        {
            w.Name("httpGet");
            WriteHttpGet(w, http);
        }

        if (tcp is not null)
        {
            w.Name("tcpSocket");
            WriteTcpSocket(w, tcp);
        }
    }

    private static void Probe(GoJsonWriter w, string name, V1Probe? p)
    {
        if (p is null)
        {
            return;
        }

        w.Name(name);
        w.StartObject();
        WriteHandlerActions(w, p.Exec, p.HttpGet, p.TcpSocket);
        if (p.Grpc is { } grpc)
        {
            w.Name("grpc");
            w.StartObject();
            w.Name("port");
            w.Number(grpc.Port);

            // GRPCAction.Service is a *string without omitempty: unset is written as null.
            w.Name("service");
            if (grpc.Service is null)
            {
                w.Null();
            }
            else
            {
                w.String(grpc.Service);
            }

            w.EndObject();
        }

        w.OmitEmptyNumber("initialDelaySeconds", p.InitialDelaySeconds);
        w.OmitEmptyNumber("timeoutSeconds", p.TimeoutSeconds);
        w.OmitEmptyNumber("periodSeconds", p.PeriodSeconds);
        w.OmitEmptyNumber("successThreshold", p.SuccessThreshold);
        w.OmitEmptyNumber("failureThreshold", p.FailureThreshold);
        w.OptionalNumberPointer("terminationGracePeriodSeconds", p.TerminationGracePeriodSeconds);
        w.EndObject();
    }

    private static void WriteExec(GoJsonWriter w, V1ExecAction exec)
    {
        w.StartObject();
        w.OmitEmptyStringList("command", exec.Command);
        w.EndObject();
    }

    private static void WriteHttpGet(GoJsonWriter w, V1HTTPGetAction h)
    {
        w.StartObject();
        w.OmitEmptyString("path", h.Path);
        w.Name("port");
        IntOrStringJson.Write(w, h.Port);
        w.OmitEmptyString("host", h.Host);
        w.OmitEmptyString("scheme", h.Scheme);
        if (h.HttpHeaders is { Count: > 0 } headers)
        {
            w.Name("httpHeaders");
            w.StartArray();
            foreach (var header in headers)
            {
                w.StartObject();
                w.StringField("name", header.Name);
                w.StringField("value", header.Value);
                w.EndObject();
            }

            w.EndArray();
        }

        w.EndObject();
    }

    private static void WriteTcpSocket(GoJsonWriter w, V1TCPSocketAction t)
    {
        w.StartObject();
        w.Name("port");
        IntOrStringJson.Write(w, t.Port);
        w.OmitEmptyString("host", t.Host);
        w.EndObject();
    }

    private static void WriteLifecycle(GoJsonWriter w, V1Lifecycle l)
    {
        w.StartObject();
        Handler("postStart", l.PostStart);
        Handler("preStop", l.PreStop);
        w.OptionalStringPointer("stopSignal", l.StopSignal);
        w.EndObject();

        void Handler(string name, V1LifecycleHandler? h)
        {
            if (h is null)
            {
                return;
            }

            w.Name(name);
            w.StartObject();
            WriteHandlerActions(w, h.Exec, h.HttpGet, h.TcpSocket);
            if (h.Sleep is { } sleep)
            {
                w.Name("sleep");
                w.StartObject();
                w.Name("seconds");
                w.Number(sleep.Seconds);
                w.EndObject();
            }

            w.EndObject();
        }
    }

    private static void WriteSecurityContext(GoJsonWriter w, V1SecurityContext s)
    {
        w.StartObject();
        if (s.Capabilities is { } caps)
        {
            w.Name("capabilities");
            w.StartObject();
            w.OmitEmptyStringList("add", caps.Add);
            w.OmitEmptyStringList("drop", caps.Drop);
            w.EndObject();
        }

        w.OptionalBoolPointer("privileged", s.Privileged);
        if (s.SeLinuxOptions is { } se)
        {
            w.Name("seLinuxOptions");
            w.StartObject();
            w.OmitEmptyString("user", se.User);
            w.OmitEmptyString("role", se.Role);
            w.OmitEmptyString("type", se.Type);
            w.OmitEmptyString("level", se.Level);
            w.EndObject();
        }

        if (s.WindowsOptions is { } win)
        {
            w.Name("windowsOptions");
            w.StartObject();
            w.OptionalStringPointer("gmsaCredentialSpecName", win.GmsaCredentialSpecName);
            w.OptionalStringPointer("gmsaCredentialSpec", win.GmsaCredentialSpec);
            w.OptionalStringPointer("runAsUserName", win.RunAsUserName);
            w.OptionalBoolPointer("hostProcess", win.HostProcess);
            w.EndObject();
        }

        w.OptionalNumberPointer("runAsUser", s.RunAsUser);
        w.OptionalNumberPointer("runAsGroup", s.RunAsGroup);
        w.OptionalBoolPointer("runAsNonRoot", s.RunAsNonRoot);
        w.OptionalBoolPointer("readOnlyRootFilesystem", s.ReadOnlyRootFilesystem);
        w.OptionalBoolPointer("allowPrivilegeEscalation", s.AllowPrivilegeEscalation);
        w.OptionalStringPointer("procMount", s.ProcMount);
        if (s.SeccompProfile is { } seccomp)
        {
            w.Name("seccompProfile");
            w.StartObject();
            w.StringField("type", seccomp.Type);
            w.OptionalStringPointer("localhostProfile", seccomp.LocalhostProfile);
            w.EndObject();
        }

        if (s.AppArmorProfile is { } appArmor)
        {
            w.Name("appArmorProfile");
            w.StartObject();
            w.StringField("type", appArmor.Type);
            w.OptionalStringPointer("localhostProfile", appArmor.LocalhostProfile);
            w.EndObject();
        }

        w.EndObject();
    }
}
