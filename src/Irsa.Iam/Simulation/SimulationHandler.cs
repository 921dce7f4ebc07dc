using System.Globalization;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Iam.Authorization;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Policy;

namespace Irsa.Iam.Simulation;

/// <summary>
/// <c>SimulatePrincipalPolicy</c> and <c>SimulateCustomPolicy</c>: each (action, resource) pair of the requested page
/// evaluated by the policy engine, reported with matched statements, missing context keys and the boundary's verdict.
/// </summary>
/// <remarks>
/// Note: as an Irsa extension, a <c>CallerArn</c> naming an OIDC provider simulates a web-identity caller, and a
/// <c>ResourcePolicy</c> simulated for <c>sts:AssumeRole*</c> actions is validated as a trust policy; together they
/// let operators test an IRSA trust policy (<c>PolicyInputList=</c> empty) before pods use it.
/// </remarks>
internal sealed class SimulationHandler(PrincipalPolicyResolver resolver)
{
    private static readonly string[] ContextKeyTypes =
        ["string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"];

    public async Task<byte[]> SimulatePrincipalPolicyAsync(IamRequest request)
    {
        var sourceArn = request.Reader.RequiredArn("PolicySourceArn");
        var input = ReadCommon(request, policyInputRequired: false);
        if (!Arn.TryParse(sourceArn, out var parsedSource) || parsedSource.Account != request.AccountId)
        {
            throw IamRequest.Error(AwsError.NoSuchEntity($"The principal {sourceArn} cannot be found."));
        }

        var principal = await resolver.ResolveAsync(sourceArn) ?? throw IamRequest.Error(AwsError.NoSuchEntity($"The principal {sourceArn} cannot be found."));
        var identity = principal.IdentityPolicies.Concat(input.PolicyInputs).ToList();
        var boundary = input.BoundaryInput ?? principal.PermissionsBoundary;
        var caller = input.CallerArn ?? sourceArn;
        return Respond(request, input, identity, boundary, caller);
    }

    public static Task<byte[]> SimulateCustomPolicyAsync(IamRequest request)
    {
        var input = ReadCommon(request, policyInputRequired: true);
        var caller = input.CallerArn ?? $"arn:{IamProtocol.Partition}:iam::{request.AccountId}:user/SimulatedUser";
        return Task.FromResult(Respond(request, input, input.PolicyInputs, input.BoundaryInput, caller));
    }

    private static byte[] Respond(IamRequest request, SimulationInput input, IReadOnlyList<PolicyEntry> identity, PolicyEntry? boundary, string callerArn)
    {
        var principal = PrincipalFor(callerArn);

        // The results are the actions × resources grid in row order; only the requested page is evaluated, and the
        // marker is the position of the last pair returned, so no request ever holds more than MaxItems results.
        var total = (long)input.Actions.Count * input.Resources.Count;
        var first = input.Paging.Marker is { } marker ? ParsePosition(marker) + 1 : 0;
        var last = Math.Min(total, first + input.Paging.MaxItems);
        var positions = new List<long>();
        for (var position = first; position < last; position++)
        {
            positions.Add(position);
        }

        var page = new Page<long>(positions, last < total ? Paging.EncodeMarker(FormatPosition(last - 1)) : null);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("EvaluationResults");
            foreach (var position in page.Items)
            {
                var action = input.Actions[(int)(position / input.Resources.Count)];
                var resource = input.Resources[(int)(position % input.Resources.Count)];
                Evaluate(input, identity, boundary, principal, action, resource, out var result, out var details);
                WriteResult(xml, action, resource, result, details);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
    }

    private static string FormatPosition(long position) => position.ToString(CultureInfo.InvariantCulture);

    private static long ParsePosition(string marker) =>
        long.TryParse(Paging.DecodeMarker(marker), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw IamRequest.Error(AwsError.InvalidInput("Invalid Marker."));

    private static void Evaluate(SimulationInput input, IReadOnlyList<PolicyEntry> identity, PolicyEntry? boundary, RequestPrincipal principal,
        string action, string resource, out AuthorizationResult result, out Dictionary<string, string>? details)
    {
        var builder = RequestContext.CreateBuilder(action, resource).WithPrincipal(principal);
        Authorizer.Apply(builder, input.Context);
        var context = builder.Build();
        AuthorizationRequest evaluation;
        if (principal.Type == PrincipalType.WebIdentity && input.ResourcePolicy is { } trust)
        {
            // A web-identity caller has no identity side: the trust policy alone decides.
            evaluation = AuthorizationRequest.ForTrustPolicy(context, trust);
        }
        else
        {
            evaluation = new AuthorizationRequest(context)
            {
                IdentityPolicies = identity,
                PermissionsBoundary = boundary,
                ResourcePolicy = input.ResourcePolicy,
                ResourceAccount = AccountOf(input.ResourceOwner) ?? AccountOf(resource) ?? principal.AccountId,
            };
        }

        result = PolicyEvaluator.Evaluate(evaluation);
        details = null;
        if (input.ResourcePolicy is not null && principal.Type != PrincipalType.WebIdentity)
        {
            details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["IAM Policy"] = Wire(PolicyEvaluator.Evaluate(evaluation with { ResourcePolicy = null }).Decision),
                ["Resource Policy"] = Wire(PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(context, input.ResourcePolicy)).Decision),
            };
        }
    }

    private static void WriteResult(XmlWriter xml, string action, string resource, AuthorizationResult result, Dictionary<string, string>? details)
    {
        xml.WriteStartElement("member");
        xml.WriteElementString("EvalActionName", action);
        xml.WriteElementString("EvalResourceName", resource);
        xml.WriteElementString("EvalDecision", Wire(result.Decision));
        xml.WriteStartElement("MatchedStatements");
        foreach (var statement in result.MatchedStatements)
        {
            xml.WriteStartElement("member");
            xml.WriteElementString("SourcePolicyId", statement.PolicyId);
            xml.WriteElementString("SourcePolicyType", statement.SourceType.ToWireValue());
            WritePosition(xml, "StartPosition", statement.StartPosition);
            WritePosition(xml, "EndPosition", statement.EndPosition);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteStartElement("MissingContextValues");
        foreach (var key in result.MissingContextKeys)
        {
            xml.WriteElementString("member", key);
        }

        xml.WriteEndElement();
        if (result.AllowedByPermissionsBoundary is { } allowedByBoundary)
        {
            xml.WriteStartElement("PermissionsBoundaryDecisionDetail");
            xml.WriteElementString("AllowedByPermissionsBoundary", allowedByBoundary ? "true" : "false");
            xml.WriteEndElement();
        }

        if (details is not null)
        {
            xml.WriteStartElement("EvalDecisionDetails");
            foreach (var (key, value) in details)
            {
                xml.WriteStartElement("entry");
                xml.WriteElementString("key", key);
                xml.WriteElementString("value", value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WritePosition(XmlWriter xml, string name, SourcePosition position)
    {
        xml.WriteStartElement(name);
        xml.WriteElementString("Line", position.Line.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("Column", position.Column.ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }

    /// <summary>The account of an ARN or a bare account id; <c>null</c> for ARNs without one (S3 buckets).</summary>
    private static string? AccountOf(string? value) =>
        value is null ? null
        : AwsIds.IsAccountId(value) ? value
        : Arn.TryParse(value, out var arn) && AwsIds.IsAccountId(arn.Account) ? arn.Account
        : null;

    internal static string Wire(PolicyDecision decision) => decision switch
    {
        PolicyDecision.Allowed => "allowed",
        PolicyDecision.ExplicitDeny => "explicitDeny",
        _ => "implicitDeny",
    };

    private static RequestPrincipal PrincipalFor(string callerArn)
    {
        if (OpenIdConnectProviderUrl.FromArn(callerArn) is not null)
        {
            return RequestPrincipal.WebIdentity(callerArn);
        }

        if (Arn.TryParse(callerArn, out var arn) && arn.Service == "iam" && arn.Resource.StartsWith("role/", StringComparison.Ordinal))
        {
            var name = arn.Resource[(arn.Resource.LastIndexOf('/') + 1)..];
            return RequestPrincipal.AssumedRole($"arn:{arn.Partition}:sts::{arn.Account}:assumed-role/{name}/SimulatedSession", callerArn);
        }

        return RequestPrincipal.User(callerArn);
    }

    private static SimulationInput ReadCommon(IamRequest request, bool policyInputRequired)
    {
        var reader = request.Reader;
        var actions = reader.RequiredList("ActionNames", 3, 128);
        var policyTexts = policyInputRequired
            ? reader.RequiredList("PolicyInputList", 1, 131072)
            : reader.OptionalList("PolicyInputList", 1, 131072) ?? [];
        var boundaryTexts = reader.OptionalList("PermissionsBoundaryPolicyInputList", 1, 131072) ?? [];
        var resources = reader.OptionalList("ResourceArns", 1, 2048) ?? [];
        var resourcePolicyText = reader.Optional("ResourcePolicy", 1, 131072);
        var resourceOwner = reader.Optional("ResourceOwner", 1, 2048);
        var callerArn = reader.Optional("CallerArn", 1, 2048);
        var paging = reader.Paging();
        var context = ReadContext(reader);
        reader.ThrowIfInvalid();

        if (callerArn is not null && callerArn.Contains(":assumed-role/", StringComparison.Ordinal))
        {
            throw IamRequest.Error(AwsError.InvalidInput("Invalid CallerArn: an assumed-role ARN is not supported; use the role ARN instead."));
        }

        if (resourcePolicyText is not null && callerArn is null && policyInputRequired)
        {
            throw IamRequest.Error(AwsError.InvalidInput("CallerArn must be specified when a ResourcePolicy is included."));
        }

        var policies = policyTexts.Select((text, i) => Compile(text, PolicyKind.Identity, $"PolicyInputList.{i + 1}", PolicySourceType.None)).ToList();
        var boundary = boundaryTexts.Count == 0 ? null
            : Compile(boundaryTexts[0], PolicyKind.PermissionsBoundary, "PermissionsBoundaryPolicyInputList.1", PolicySourceType.None);
        PolicyEntry? resourcePolicy = null;
        if (resourcePolicyText is not null)
        {
            var isTrust = actions.Count > 0 && actions.All(a => a.StartsWith("sts:AssumeRole", StringComparison.OrdinalIgnoreCase));
            resourcePolicy = Compile(resourcePolicyText, isTrust ? PolicyKind.Trust : PolicyKind.Resource, "ResourcePolicy", PolicySourceType.Resource);
        }

        return new SimulationInput(actions, resources.Count == 0 ? ["*"] : resources, policies, boundary, resourcePolicy,
            resourceOwner, callerArn, context, paging);
    }

    private static PolicyEntry Compile(string text, PolicyKind kind, string id, PolicySourceType sourceType)
    {
        var result = PolicyDocument.Parse(text, kind);
        return result.IsValid
            ? new PolicyEntry(id, sourceType, result.Document)
            : throw IamRequest.Error(AwsError.InvalidInput($"{id}: {result.Error.Message}"));
    }

    private static Dictionary<string, ContextValue> ReadContext(RequestReader reader)
    {
        var context = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        const string entriesName = "ContextEntries";
        if (!reader.WithinMemberLimit(entriesName, RequestReader.MaxMembers(entriesName)))
        {
            return context;
        }

        var entries = reader.Parameters.GetStructList(entriesName) ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var name = entry.GetValueOrDefault("ContextKeyName");
            var typeName = entry.GetValueOrDefault("ContextKeyType") ?? "string";
            if (string.IsNullOrEmpty(name) || !ContextKeyTypes.Contains(typeName, StringComparer.Ordinal))
            {
                throw IamRequest.Error(AwsError.InvalidInput(
                    $"Invalid context entry: ContextKeyName is required and ContextKeyType must be one of {string.Join(", ", ContextKeyTypes)}."));
            }

            var valuesName = QueryParameters.MemberPrefix(entriesName, i + 1) + ".ContextKeyValues";
            if (!reader.WithinMemberLimit(valuesName, RequestReader.MaxMembers(valuesName)))
            {
                continue;
            }

            var values = reader.Parameters.GetList(valuesName) ?? [];
            var isList = typeName.EndsWith("List", StringComparison.Ordinal);
            var type = typeName.Replace("List", string.Empty, StringComparison.Ordinal) switch
            {
                "numeric" => ContextKeyType.Numeric,
                "boolean" => ContextKeyType.Boolean,
                "ip" => ContextKeyType.Ip,
                "binary" => ContextKeyType.Binary,
                "date" => ContextKeyType.Date,
                _ => ContextKeyType.String,
            };
            context[name] = new ContextValue(type, [.. values], isList);
        }

        return context;
    }

    private sealed record SimulationInput(
        IReadOnlyList<string> Actions,
        IReadOnlyList<string> Resources,
        IReadOnlyList<PolicyEntry> PolicyInputs,
        PolicyEntry? BoundaryInput,
        PolicyEntry? ResourcePolicy,
        string? ResourceOwner,
        string? CallerArn,
        IReadOnlyDictionary<string, ContextValue> Context,
        PageRequest Paging);
}
