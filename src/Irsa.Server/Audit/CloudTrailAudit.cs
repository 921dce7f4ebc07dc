using System.Text.Json.Nodes;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;
using Irsa.Core.Aws;
using Irsa.Iam;
using Irsa.Policy;
using Irsa.Server.Aws;
using Irsa.Server.Hosting;
using Irsa.Sts;

namespace Irsa.Server.Audit;

/// <summary>
/// The pipeline's audit step made durable: each <see cref="AwsCallRecord"/> becomes one CloudTrail record in the trail,
/// committed before the caller is answered, with Irsa's pod attribution and the operator's explanation beside it.
/// </summary>
public sealed class CloudTrailAudit(AuditTrail trail, ServerContext server) : IAwsCallAudit
{
    public async ValueTask RecordAsync(AwsCallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        // The write must not be abandoned because the client went away: the call may already have changed state.
        await trail.AppendAsync(ToEntry(record, server.Region, server.AccountId), CancellationToken.None);
        Telemetry.IrsaTelemetry.AuditAppended();
    }

    /// <summary>The record as AWS writes it for this call, and the index fields Irsa adds.</summary>
    public static AuditEntry ToEntry(AwsCallRecord record, string region, string fallbackAccountId)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = record.Caller?.Session;
        var issued = record.IssuedSession;
        var pod = session?.Pod ?? issued?.Pod ?? record.WebIdentityCaller?.Pod;
        var additional = record.AdditionalEventData?.DeepClone().AsObject() ?? [];
        if (record.Operation.Name == StsProtocol.AssumeRoleWithWebIdentity)
        {
            // AWS's value for providers trusted through the IAM trust store (Irsa checks the provider's thumbprint list
            // only when TLS validation against the system store fails, as AWS does).
            additional["identityProviderConnectionVerificationMethod"] = "IAMTrustStore";
        }

        if (pod is not null)
        {
            // Beyond AWS: the pod behind the credentials, so any call is traced to the exact pod, not just its service account.
            additional["kubernetes"] = new JsonObject
            {
                ["issuer"] = pod.Issuer,
                ["cluster"] = pod.ClusterName,
                ["namespace"] = pod.Namespace,
                ["serviceAccount"] = pod.ServiceAccount,
                ["podName"] = pod.PodName,
                ["podUid"] = pod.PodUid,
                ["nodeName"] = pod.NodeName,
            };
        }

        var cloudTrail = new CloudTrailRecord
        {
            UserIdentity = IdentityOf(record),
            EventTime = record.EventTime,
            EventSource = record.Operation.EventSource,
            EventName = record.Operation.EventName,
            AwsRegion = region,
            SourceIpAddress = record.SourceIp ?? "unknown",
            UserAgent = record.UserAgent,
            ErrorCode = record.ErrorCode,
            ErrorMessage = record.ErrorMessage,
            RequestParameters = record.RequestParameters?.Count > 0 ? record.RequestParameters : null,
            ResponseElements = record.ErrorCode is null ? record.ResponseElements : null,
            AdditionalEventData = additional.Count > 0 ? additional : null,
            RequestId = record.RequestId,
            EventId = AwsIds.NewRequestId(),
            ReadOnly = record.Operation.ReadOnly,
            Resources = [.. record.Resources.Select(r => new CloudTrailResource(r.AccountId, r.Type, r.Arn) { IsPrefix = r.IsPrefix })],
            RecipientAccountId = record.RecipientAccountId ?? fallbackAccountId,
            ManagementEvent = !record.Operation.DataEvent,
            EventCategory = record.Operation.DataEvent ? "Data" : "Management",
        };
        return new AuditEntry(cloudTrail)
        {
            Pod = pod,
            RoleArn = session?.RoleArn is { Length: > 0 } roleArn ? roleArn : issued?.RoleArn,
            Explanation = record.Explanation,
        };
    }

    private static UserIdentity IdentityOf(AwsCallRecord record)
    {
        if (record.Caller is { } caller)
        {
            return caller.PrincipalType == PrincipalType.AssumedRole && caller.Session is { } session
                ? new AssumedRole(caller.EntityId, session.RoleArn, caller.EntityName, SessionName(caller), caller.AccountId,
                    record.AccessKeyId ?? string.Empty, session.IssuedAt ?? record.EventTime)
                {
                    FederatedProvider = session.FederatedProvider,
                    SourceIdentity = session.SourceIdentity,
                }
                : new IamUser(caller.EntityId, caller.PrincipalArn, caller.AccountId, record.AccessKeyId ?? string.Empty, caller.EntityName);
        }

        // AssumeRoleWithWebIdentity: the token's subject through its provider. AWS logs the reduced identity when the
        // token was not verified (or no provider matched), so nothing unverified is presented as the provider's word.
        if (record.WebIdentityCaller is { Subject: { } subject } web)
        {
            return web.Verified && web.ProviderArn is not null
                ? new WebIdentityUser(web.ProviderArn, web.Audience, subject)
                : WebIdentityUser.Reduced(subject);
        }

        return new UnknownUser(record.AccessKeyId);
    }

    /// <summary>The session name: the last segment of <c>arn:aws:sts::A:assumed-role/ROLE/SESSION</c>.</summary>
    private static string SessionName(CallerIdentity caller) => caller.PrincipalArn[(caller.PrincipalArn.LastIndexOf('/') + 1)..];
}
