using System.Globalization;
using System.Net;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Authorization;
using Irsa.Iam.Queries;
using Irsa.Policy;
using Irsa.Sts.Sessions;
using Irsa.Sts.WebIdentity;

namespace Irsa.Sts.Actions;

/// <summary>
/// <c>AssumeRoleWithWebIdentity</c>: parameters → token validation → pod liveness (Irsa's clusters) → role → roles
/// claim → trust policy (with <c>sts:TagSession</c>/<c>sts:SetSourceIdentity</c> when the token asks for them) →
/// duration → session policies → credentials. Every failure carries an <see cref="Explanation"/> for the operator and,
/// once the token named its issuer, the caller's web identity for the audit record.
/// </summary>
public sealed class AssumeRoleWithWebIdentityAction(
    WebIdentityTokenValidator validator,
    IWebIdentityDirectory directory,
    RoleSessionIssuer issuer,
    IPodLivenessCheck? liveness,
    TimeProvider timeProvider,
    IClusterIssuerDirectory? clusters = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public async Task<StsResult> ExecuteAsync(QueryParameters parameters, string requestId, IPAddress? sourceIp, CancellationToken cancellationToken)
    {
        AssumeRoleWithWebIdentityRequest request;
        try
        {
            request = AssumeRoleWithWebIdentityRequest.Read(parameters);
        }
        catch (AwsErrorException ex)
        {
            // AWS's validation wording masks the token, so the message is safe to keep.
            return StsResult.Failure(ex.Error, Explanation.Of("InvalidParameter", ex.Error.Message));
        }

        var roleAccount = Arn.Parse(request.RoleArn).Account;

        // Kubelet-projected tokens carry no newline, but hand-written token files often end with one; it can never be
        // part of a compact JWS, so trailing whitespace is dropped rather than failing the parse.
        var token = request.WebIdentityToken.TrimEnd(' ', '\t', '\r', '\n');
        var validation = await validator.ValidateAsync(token, roleAccount, cancellationToken);
        var caller = await WithClusterNameAsync(validation.Caller, cancellationToken);
        if (validation.Identity is not { } identity)
        {
            return StsResult.Failure(validation.Error!, validation.Explanation!, caller);
        }

        StsResult Fail(AwsError error, Explanation explanation) => StsResult.Failure(error, explanation, caller);

        if (liveness is not null && identity.Kubernetes is { PodName: { } podName, PodUid: { } podUid } kubernetes)
        {
            var verdict = await liveness.CheckAsync(new PodBinding(identity.Issuer, kubernetes.Namespace, podName, podUid), cancellationToken);
            if (verdict == PodLiveness.Gone)
            {
                var cluster = caller?.Pod?.ClusterName is { } clusterName ? $" of cluster {clusterName}" : "";
                return Fail(StsErrors.InvalidIdentityToken(StsErrors.PodGoneMessage), Explanation.Of("PodGone",
                    $"The pod {kubernetes.Namespace}/{podName}{cluster} that the token is bound to no longer exists (or was re-created).",
                    "pod uid in the token: " + podUid, "issuer: " + identity.Issuer));
            }
        }
        else if (liveness is not null && identity.Kubernetes is { ServiceAccountName: { } accountName, ServiceAccountUid: { } accountUid } account
            && await liveness.CheckServiceAccountAsync(new ServiceAccountBinding(identity.Issuer, account.Namespace, accountName, accountUid), cancellationToken)
                == PodLiveness.Gone)
        {
            return StsResult.Failure(StsErrors.InvalidIdentityToken(StsErrors.ServiceAccountGoneMessage), $"service account {account.Namespace}/{accountName} gone");
        }

        var role = await directory.GetRoleAsync(request.RoleArn, cancellationToken);
        if (role is null)
        {
            // A missing role is indistinguishable from a denial, so role names cannot be probed.
            return Fail(StsErrors.AssumeRoleDenied(), Explanation.Of("RoleNotFound", $"The role {request.RoleArn} does not exist."));
        }

        if (identity.Roles is { } roles && !roles.Contains(request.RoleArn, StringComparer.Ordinal))
        {
            return Fail(StsErrors.InvalidIdentityToken("The target role ARN is not present in the roles claim of the identity token"),
                Explanation.Of("RoleNotInRolesClaim", $"The token's https://aws.amazon.com/roles claim does not list {request.RoleArn}.",
                    "roles claim: " + ExplanationText.List(roles)));
        }

        var now = timeProvider.GetUtcNow();
        if (ExplainDistrust(role, identity, request, sourceIp, now) is { } distrust)
        {
            return Fail(StsErrors.AssumeRoleDenied(), distrust);
        }

        var tags = identity.Tags;
        SessionCredentials credentials;
        int? packedSize;
        try
        {
            RoleSessionIssuer.CheckDuration(request.DurationSeconds, role, chained: false);
            await issuer.CheckSessionPoliciesAsync(request.Policy, request.PolicyArns, role.AccountId, cancellationToken);
            packedSize = RoleSessionIssuer.CheckPackedSize(request.Policy, request.PolicyArns, tags?.PrincipalTags ?? NoTags);
            credentials = await issuer.IssueAsync(new RoleSession
            {
                AccountId = role.AccountId,
                RoleArn = role.Arn,
                RoleId = role.RoleId,
                RoleName = role.RoleName,
                SessionName = request.RoleSessionName,
                Policy = request.Policy,
                PolicyArns = request.PolicyArns,
                Tags = tags?.PrincipalTags ?? NoTags,
                TransitiveTagKeys = tags?.TransitiveTagKeys ?? [],
                SourceIdentity = identity.SourceIdentity,
                IssuedAt = now,
                Expiration = now.AddSeconds(request.DurationSeconds),
                WebIdentity = new WebIdentitySession(identity.Issuer, identity.Provider.Arn, identity.Subject, identity.Audience, identity.AuthenticationMethods),
                Kubernetes = identity.Kubernetes is { } k ? KubernetesSession.From(k, caller?.Pod?.ClusterName) : null,
            }, cancellationToken);
        }
        catch (StsFailureException failure)
        {
            return Fail(failure.Error, failure.Explanation);
        }

        var body = QueryXml.Success(StsProtocol.AssumeRoleWithWebIdentity, StsProtocol.Namespace, requestId, xml =>
        {
            RoleSessionIssuer.WriteCredentials(xml, credentials);
            xml.WriteElementString("SubjectFromWebIdentityToken", identity.Subject);
            xml.WriteStartElement("AssumedRoleUser");
            xml.WriteElementString("Arn", credentials.Session.AssumedRoleArn);
            xml.WriteElementString("AssumedRoleId", credentials.Session.AssumedRoleId);
            xml.WriteEndElement();
            if (packedSize is { } size)
            {
                xml.WriteElementString("PackedPolicySize", size.ToString(CultureInfo.InvariantCulture));
            }

            xml.WriteElementString("Provider", identity.Provider.Arn);
            xml.WriteElementString("Audience", identity.Audience);
            xml.WriteOptional("SourceIdentity", identity.SourceIdentity);
        });
        return StsResult.Success(body, credentials.Session, caller);
    }

    /// <summary>Names the Irsa cluster of a verified token's pod; unverified issuers are the caller's claim and are not looked up.</summary>
    private async ValueTask<WebIdentityCaller?> WithClusterNameAsync(WebIdentityCaller? caller, CancellationToken cancellationToken)
    {
        if (clusters is null || caller is not { Verified: true, Pod: { } pod })
        {
            return caller;
        }

        var name = await clusters.FindClusterNameAsync(caller.Issuer, cancellationToken);
        return name is null ? caller : caller with { Pod = pod with { ClusterName = name } };
    }

    /// <summary>
    /// Evaluates the trust policy for every action the token needs; <c>null</c> when all are allowed, otherwise why the first
    /// denied one was (the condition that did not match with the values compared, the denying statement, or no allow).
    /// </summary>
    private static Explanation? ExplainDistrust(RoleInfo role, ValidatedWebIdentity identity, AssumeRoleWithWebIdentityRequest request,
        IPAddress? sourceIp, DateTimeOffset now)
    {
        var claims = new WebIdentityClaims
        {
            Subject = identity.Subject,
            Audience = identity.Audience,
            AuthorizedParty = identity.AuthorizedParty,
            OriginalAudience = identity.OriginalAudience,
            Email = identity.Email,
            AuthenticationMethods = identity.AuthenticationMethods,
            PrincipalTags = identity.Tags?.PrincipalTags,
            TransitiveTagKeys = identity.Tags?.TransitiveTagKeys,
            SourceIdentity = identity.SourceIdentity,
        };

        var actions = new List<string> { WebIdentityContext.AssumeRoleWithWebIdentity };
        if (identity.Tags is not null)
        {
            actions.Add("sts:TagSession");
        }

        if (identity.SourceIdentity is not null)
        {
            actions.Add("sts:SetSourceIdentity");
        }

        var trust = new PolicyEntry(role.RoleName, PolicySourceType.Role, role.TrustPolicy);
        foreach (var action in actions)
        {
            var builder = WebIdentityContext.CreateBuilder(role.Arn, identity.Provider.Arn, identity.Provider.Url, claims, now,
                request.RoleSessionName, action);
            if (identity.Roles is not null)
            {
                builder.Add("sts:RoleAuthorizedByIdp", true);
            }

            if (sourceIp is not null)
            {
                builder.Add("aws:SourceIp", sourceIp);
            }

            var evaluation = AuthorizationRequest.ForTrustPolicy(builder.Build(), trust) with { ResourceAccount = role.AccountId };
            if (!PolicyEvaluator.Evaluate(evaluation).IsAllowed)
            {
                // The rare denial alone pays for the traced re-evaluation.
                return DenialExplainer.Explain(evaluation, (_, _) => "trust policy of " + role.Arn, identity.Provider.Url.TrimEnd('/'));
            }
        }

        return null;
    }
}
