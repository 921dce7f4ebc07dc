using System.Globalization;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam;
using Irsa.Iam.Authorization;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Actions;

/// <summary>
/// <c>AssumeRole</c>: parameters → role → what the caller's session passes on (transitive tags, source identity, pod) →
/// trust policy (and, across accounts or when the trust names only the account, the caller's identity policies) for
/// <c>sts:AssumeRole</c>, <c>sts:TagSession</c> and <c>sts:SetSourceIdentity</c> → duration (one hour when chained) →
/// session policies and packed size → credentials. EKS Pod Identity's hops run the same steps as a service principal and
/// as the first hop's session.
/// </summary>
public sealed class AssumeRoleAction(IWebIdentityDirectory directory, RoleSessionIssuer issuer, TimeProvider timeProvider)
{
    public const string AssumeRole = "sts:AssumeRole";
    public const string TagSession = "sts:TagSession";
    public const string SetSourceIdentity = "sts:SetSourceIdentity";

    public async Task<StsResult> ExecuteAsync(QueryParameters parameters, CallerIdentity caller, string requestId,
        IReadOnlyDictionary<string, ContextValue>? requestKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        AssumeRoleRequest request;
        try
        {
            request = AssumeRoleRequest.Read(parameters);
        }
        catch (AwsErrorException ex)
        {
            return StsResult.Failure(ex.Error, Explanation.Of("InvalidParameter", ex.Error.Message));
        }

        Assumption assumed;
        try
        {
            assumed = await AssumeAsync(new Assumer(caller, null, requestKeys), request, lifetime: null, cancellationToken);
        }
        catch (StsFailureException failure)
        {
            return StsResult.Failure(failure.Error, failure.Explanation);
        }

        var session = assumed.Credentials.Session;
        var body = QueryXml.Success(StsProtocol.AssumeRole, StsProtocol.Namespace, requestId, xml =>
        {
            RoleSessionIssuer.WriteCredentials(xml, assumed.Credentials);
            xml.WriteStartElement("AssumedRoleUser");
            xml.WriteElementString("AssumedRoleId", session.AssumedRoleId);
            xml.WriteElementString("Arn", session.AssumedRoleArn);
            xml.WriteEndElement();
            if (assumed.PackedPolicySize is { } size)
            {
                xml.WriteElementString("PackedPolicySize", size.ToString(CultureInfo.InvariantCulture));
            }

            xml.WriteOptional("SourceIdentity", session.SourceIdentity);
        });
        return StsResult.Success(body, session, packedPolicySize: assumed.PackedPolicySize);
    }

    /// <summary>
    /// Assumes <see cref="AssumeRoleRequest.RoleArn"/> for <paramref name="assumer"/>. <paramref name="lifetime"/> replaces the
    /// requested duration and its limits (EKS Pod Identity's first hop lasts six hours whatever the role's maximum).
    /// </summary>
    /// <exception cref="StsFailureException">Denied or invalid, with AWS's error and the operator's explanation.</exception>
    internal async Task<Assumption> AssumeAsync(Assumer assumer, AssumeRoleRequest request, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        var callerArn = assumer.Caller?.PrincipalArn ?? assumer.Service!;
        var role = await directory.GetRoleAsync(request.RoleArn, cancellationToken)
            ?? throw new StsFailureException(StsErrors.NotAuthorized(callerArn, AssumeRole, request.RoleArn),
                Explanation.Of("RoleNotFound", $"The role {request.RoleArn} does not exist."));

        // What the caller's own session passes on: its transitive tags, its source identity and the pod it started from.
        var callerSession = assumer.Caller?.Session;
        var chained = assumer.Caller?.PrincipalType == PrincipalType.AssumedRole;
        var inherited = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (chained && callerSession is not null)
        {
            foreach (var key in callerSession.TransitiveTagKeys)
            {
                if (callerSession.SessionTags.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase)) is { Key: not null } tag)
                {
                    inherited[tag.Key] = tag.Value;
                }
            }
        }

        if (request.Tags.FirstOrDefault(t => inherited.ContainsKey(t.Key)) is { Key: not null } clash)
        {
            throw new StsFailureException(AwsError.Validation("One or more tags could not be set because a transitive tag with the same key is inherited from the calling session."),
                Explanation.Of("TransitiveTagOverride", $"The tag {clash.Key} is a transitive tag of the calling session {callerArn}, which cannot be changed down the chain."));
        }

        var sourceIdentity = callerSession?.SourceIdentity;
        if (request.SourceIdentity is { } requested)
        {
            if (sourceIdentity is not null && !string.Equals(sourceIdentity, requested, StringComparison.Ordinal))
            {
                throw new StsFailureException(StsErrors.NotAuthorized(callerArn, SetSourceIdentity, role.Arn),
                    Explanation.Of("SourceIdentityImmutable", $"The calling session's source identity is already set and cannot change down the chain.",
                        "source identity of the calling session: " + sourceIdentity, "requested: " + requested));
            }

            sourceIdentity = requested;
        }

        var tags = new Dictionary<string, string>(inherited, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.Tags)
        {
            tags[key] = value;
        }

        var now = timeProvider.GetUtcNow();
        var actions = new List<string> { AssumeRole };
        if (tags.Count > 0)
        {
            actions.Add(TagSession);
        }

        if (sourceIdentity is not null)
        {
            actions.Add(SetSourceIdentity);
        }

        var keys = TrustKeys(assumer, request, tags, sourceIdentity);
        var principal = assumer.Caller is { } caller ? await directory.GetPrincipalAsync(caller, cancellationToken) : null;
        foreach (var action in actions)
        {
            if (ExplainDistrust(assumer, principal, role, action, keys, now) is { } distrust)
            {
                throw new StsFailureException(StsErrors.NotAuthorized(callerArn, action, role.Arn), distrust);
            }
        }

        var seconds = lifetime is { } fixedLifetime ? (int)fixedLifetime.TotalSeconds : request.DurationSeconds ?? AssumeRoleRequest.DefaultDurationSeconds;
        if (lifetime is null)
        {
            RoleSessionIssuer.CheckDuration(seconds, role, chained);
        }

        await issuer.CheckSessionPoliciesAsync(request.Policy, request.PolicyArns, role.AccountId, cancellationToken);
        var packed = RoleSessionIssuer.CheckPackedSize(request.Policy, request.PolicyArns, tags);
        var transitive = new List<string>(inherited.Keys);
        transitive.AddRange(request.TransitiveTagKeys.Where(k => !transitive.Contains(k, StringComparer.OrdinalIgnoreCase)));
        var pod = callerSession?.Pod;
        var credentials = await issuer.IssueAsync(new RoleSession
        {
            AccountId = role.AccountId,
            RoleArn = role.Arn,
            RoleId = role.RoleId,
            RoleName = role.RoleName,
            SessionName = request.RoleSessionName,
            Policy = request.Policy,
            PolicyArns = request.PolicyArns,
            Tags = tags,
            TransitiveTagKeys = transitive,
            SourceIdentity = sourceIdentity,
            IssuedAt = now,
            Expiration = now.AddSeconds(seconds),
            Kubernetes = assumer.Pod ?? (pod is null ? null : KubernetesSession.FromAttribution(pod)),
            PodIssuer = assumer.PodIssuer ?? pod?.Issuer,
        }, cancellationToken);
        return new Assumption(credentials, packed);
    }

    /// <summary>The request's keys a trust policy can test, beyond the caller's own.</summary>
    private static Dictionary<string, ContextValue> TrustKeys(Assumer assumer, AssumeRoleRequest request, IReadOnlyDictionary<string, string> tags,
        string? sourceIdentity)
    {
        var keys = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        if (assumer.RequestKeys is not null)
        {
            foreach (var (key, value) in assumer.RequestKeys)
            {
                keys[key] = value;
            }
        }

        keys["sts:RoleSessionName"] = Single(request.RoleSessionName);
        if (request.ExternalId is { } externalId)
        {
            keys["sts:ExternalId"] = Single(externalId);
        }

        if (sourceIdentity is not null)
        {
            keys["sts:SourceIdentity"] = Single(sourceIdentity);
        }

        if (tags.Count > 0)
        {
            foreach (var (key, value) in tags)
            {
                keys["aws:RequestTag/" + key] = Single(value);
            }

            keys["aws:TagKeys"] = new ContextValue(ContextKeyType.String, [.. tags.Keys], isMultiValued: true);
        }

        if (request.TransitiveTagKeys.Count > 0)
        {
            keys["sts:TransitiveTagKeys"] = new ContextValue(ContextKeyType.String, [.. request.TransitiveTagKeys], isMultiValued: true);
        }

        return keys;
    }

    /// <summary>
    /// <c>null</c> when the trust policy (with the caller's policies where AWS requires them) allows <paramref name="action"/>;
    /// otherwise why not. An AWS caller is evaluated as the authorizer evaluates any call, the trust policy standing as the
    /// role's resource policy: across accounts both sides must allow; in the role's account a trust naming the caller (or its
    /// role) suffices, one naming only the account needs the identity side too. A service principal has only the trust policy.
    /// </summary>
    private static Explanation? ExplainDistrust(Assumer assumer, ResolvedPrincipal? principal, RoleInfo role, string action,
        IReadOnlyDictionary<string, ContextValue> keys, DateTimeOffset now)
    {
        var trust = new PolicyEntry(role.RoleName, PolicySourceType.Role, role.TrustPolicy);
        AuthorizationRequest request;
        if (assumer.Caller is { } caller)
        {
            request = Authorizer.CreateRequest(caller, principal, action, role.Arn, keys, trust, role.AccountId, now);
        }
        else
        {
            var builder = RequestContext.CreateBuilder(action, role.Arn).WithPrincipal(RequestPrincipal.Service(assumer.Service!)).WithCurrentTime(now);
            Authorizer.Apply(builder, keys);
            request = AuthorizationRequest.ForTrustPolicy(builder.Build(), trust) with { ResourceAccount = role.AccountId };
        }

        string Describe(PolicyEntry policy, PolicySetRole set) => set == PolicySetRole.Resource
            ? "trust policy of " + role.Arn
            : Authorizer.DescribePolicy(policy, set, principal?.EntityArn ?? assumer.Caller?.PrincipalArn ?? string.Empty);

        if (!PolicyEvaluator.Evaluate(request).IsAllowed)
        {
            return assumer.Caller is not null && principal is null && !IsSameAccount(assumer.Caller, role)
                ? Explanation.Of("PrincipalNotFound", $"The identity behind {assumer.Caller.PrincipalArn} no longer exists, so no identity policy can allow {action} across accounts.")
                : DenialExplainer.Explain(request, Describe);
        }

        if (principal?.PermissionsBoundary is { } boundary && assumer.Caller is { } bounded)
        {
            // A trust naming the caller directly is enough without an identity policy, but a permissions boundary still
            // has to allow the action ("the boundary must allow the sts:AssumeRole action").
            var withinBoundary = Authorizer.CreateRequest(bounded, principal with { IdentityPolicies = [boundary], PermissionsBoundary = null },
                action, role.Arn, keys, null, bounded.AccountId, now);
            if (!PolicyEvaluator.Evaluate(withinBoundary).IsAllowed)
            {
                return Explanation.Of(DenialExplainer.PermissionsBoundary,
                    $"The permissions boundary {boundary.Arn ?? boundary.PolicyId} of {principal.EntityArn} does not allow {action} on {role.Arn}.");
            }
        }

        if (assumer.RequireIdentityAllow && assumer.Caller is { } identityCaller)
        {
            // EKS Pod Identity's second hop: the first role's own permissions must allow the target, whatever the accounts.
            var identity = Authorizer.CreateRequest(identityCaller, principal, action, role.Arn, keys, null, identityCaller.AccountId, now);
            if (!PolicyEvaluator.Evaluate(identity).IsAllowed)
            {
                return DenialExplainer.Explain(identity, Describe);
            }
        }

        return null;
    }

    private static bool IsSameAccount(CallerIdentity caller, RoleInfo role) => string.Equals(caller.AccountId, role.AccountId, StringComparison.Ordinal);

    private static ContextValue Single(string value) => new(ContextKeyType.String, [value], isMultiValued: false);

    /// <summary>Who assumes: an AWS caller, or a service principal with the pod it acts for.</summary>
    internal sealed record Assumer(CallerIdentity? Caller, string? Service, IReadOnlyDictionary<string, ContextValue>? RequestKeys)
    {
        /// <summary>The pod a service principal acts for (EKS Pod Identity); callers carry theirs in their session.</summary>
        public KubernetesSession? Pod { get; init; }

        public string? PodIssuer { get; init; }

        /// <summary>Also require the caller's identity policies to allow, even where the trust policy alone would do.</summary>
        public bool RequireIdentityAllow { get; init; }
    }

    internal sealed record Assumption(SessionCredentials Credentials, int? PackedPolicySize);
}
