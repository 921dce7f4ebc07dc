using System.Text;
using Irsa.Webhook.Json;
using k8s.Models;

namespace Irsa.Webhook;

/// <summary>
/// Host-agnostic <c>/mutate</c> endpoint: takes the request's Content-Type and body, returns the
/// HTTP status, Content-Type and body upstream would send. Works for <c>admission.k8s.io/v1</c>
/// and <c>v1beta1</c> (same field layout; <c>kind</c>/<c>apiVersion</c> are echoed). Never throws.
/// </summary>
public sealed class AdmissionHandler
{
    /// <summary>The only accepted request Content-Type (parameters such as charset are rejected, as upstream does).</summary>
    public const string RequiredContentType = "application/json";

    /// <summary>Upstream sets no Content-Type, so Go sniffs this one for every response.</summary>
    public const string ResponseContentType = "text/plain; charset=utf-8";

    private static readonly byte[] UnsupportedMediaTypeBody = "Invalid Content-Type, expected `application/json`\n"u8.ToArray();

    private readonly PodMutator _mutator;
    private readonly IServiceAccountLookup _serviceAccounts;
    private readonly IContainerCredentialsIdentities _identities;
    private readonly IWebhookMetrics _metrics;
    private readonly TimeProvider _time;

    /// <summary>Creates a handler.</summary>
    public AdmissionHandler(
        PodMutator mutator,
        IServiceAccountLookup serviceAccounts,
        IContainerCredentialsIdentities? identities = null,
        IWebhookMetrics? metrics = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(serviceAccounts);
        _mutator = mutator;
        _serviceAccounts = serviceAccounts;
        _identities = identities ?? ContainerCredentialsIdentitySet.Empty;
        _metrics = metrics ?? NullWebhookMetrics.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Handles one HTTP request to <c>/mutate</c> (any method).</summary>
    public async Task<AdmissionHttpResponse> HandleAsync(string? contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        AdmissionHttpResponse response;
        try
        {
            response = contentType == RequiredContentType
                ? new AdmissionHttpResponse(200, ResponseContentType, await ReviewAsync(body, cancellationToken).ConfigureAwait(false))
                : new AdmissionHttpResponse(415, ResponseContentType, UnsupportedMediaTypeBody);
        }
#pragma warning disable CA1031 // The contract is "never throw": a bug must not crash the host's request loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Not an upstream path. A 500 (rather than allowed:false) lets the API server apply the
            // webhook's failurePolicy instead of denying the pod because of our own bug.
            response = new AdmissionHttpResponse(500, ResponseContentType, Encoding.UTF8.GetBytes("internal error: " + e.GetType().Name + "\n"));
        }

        _metrics.RequestCompleted(response.StatusCode, _time.GetElapsedTime(started));
        return response;
    }

    /// <summary>
    /// The admission decision for an already-decoded pod, for hosts that admit pods in-process
    /// (Irsa's own Kubernetes API). The patch, if any, is the same RFC 6902 JSON Patch the HTTP path
    /// returns.
    /// </summary>
    public async Task<AdmissionDecision> AdmitAsync(V1Pod pod, string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(@namespace);
        var decision = await DecideAsync(pod, @namespace, cancellationToken).ConfigureAwait(false);
        _metrics.AdmissionDecided(decision.Outcome);
        return decision;
    }

    private async Task<AdmissionDecision> DecideAsync(V1Pod pod, string @namespace, CancellationToken cancellationToken)
    {
        var serviceAccount = pod.Spec?.ServiceAccountName ?? "";

        // Container credentials are checked first and win over IRSA; they never wait for the SA.
        if (_identities.Contains(@namespace, serviceAccount))
        {
            var account = _serviceAccounts.Find(@namespace, serviceAccount);
            var mutation = _mutator.Options.WebIdentityBesideContainerCredentials
                ? _mutator.MutateWithBothMechanisms(pod, account)
                : _mutator.Mutate(pod, account, isContainerCredentialsIdentity: true);
            return new AdmissionDecision(AdmissionOutcome.MutatedContainerCredentials, mutation);
        }

        var info = _serviceAccounts.Find(@namespace, serviceAccount);
        var grace = _mutator.Options.ServiceAccountLookupGracePeriod;
        if (info is null && grace > TimeSpan.Zero)
        {
            info = await _serviceAccounts.WaitForAsync(@namespace, serviceAccount, grace, cancellationToken).ConfigureAwait(false);
        }

        if (info is null)
        {
            return new AdmissionDecision(AdmissionOutcome.ServiceAccountMissing, PodMutation.None);
        }

        var result = _mutator.Mutate(pod, info, isContainerCredentialsIdentity: false);
        return new AdmissionDecision(result.IsMutated ? AdmissionOutcome.MutatedWebIdentity : AdmissionOutcome.NotMutated, result);
    }

    private async Task<byte[]> ReviewAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var parsed = AdmissionReviewReader.Read(body);
        if (parsed.Error is { } error)
        {
            _metrics.AdmissionDecided(AdmissionOutcome.Rejected);
            return AdmissionReviewWriter.Denied(parsed, error);
        }

        V1Pod pod;
        try
        {
            pod = parsed.Object is { } obj ? PodJson.Decode(obj) : throw new PodDecodeException("unexpected end of JSON input");
        }
        catch (PodDecodeException e)
        {
            _metrics.AdmissionDecided(AdmissionOutcome.Rejected);
            return AdmissionReviewWriter.Denied(parsed, e.Message);
        }

        var decision = await AdmitAsync(pod, parsed.Namespace, cancellationToken).ConfigureAwait(false);
        return AdmissionReviewWriter.Allowed(parsed, decision.Mutation.Patch);
    }
}

/// <summary>What the host writes back: status code, Content-Type header and body.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="ContentType">The Content-Type header value.</param>
/// <param name="Body">The response body.</param>
public sealed record AdmissionHttpResponse(int StatusCode, string ContentType, byte[] Body);

/// <summary>The admission decision for one pod.</summary>
/// <param name="Outcome">What happened, for metrics and logs.</param>
/// <param name="Mutation">The resolved config and JSON Patch, or <see cref="PodMutation.None"/>.</param>
public sealed record AdmissionDecision(AdmissionOutcome Outcome, PodMutation Mutation);
