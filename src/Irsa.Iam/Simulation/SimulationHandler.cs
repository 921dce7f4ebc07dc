using System.Globalization;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Iam.Authorization;
using Irsa.Iam.Common;
using Irsa.Iam.OpenIdConnectProviders;
using Irsa.Policy;

namespace Irsa.Iam.Simulation;

/// <summary>
/// <c>SimulatePrincipalPolicy</c> and <c>SimulateCustomPolicy</c>: every (action, resource) pair evaluated by the
/// policy engine, reported with matched statements, missing context keys and the boundary's verdict.
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
        var results = new List<(string Key, string Action, string Resource, AuthorizationResult Result, Dictionary<string, string>? Details)>();
        foreach (var action in input.Actions)
        {
            foreach (var resource in input.Resources)
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

                var result = PolicyEvaluator.Evaluate(evaluation);
                Dictionary<string, string>? details = null;
                if (input.ResourcePolicy is not null && principal.Type != PrincipalType.WebIdentity)
                {
                    details = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["IAM Policy"] = Wire(PolicyEvaluator.Evaluate(evaluation with { ResourcePolicy = null }).Decision),
                        ["Resource Policy"] = Wire(PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(context, input.ResourcePolicy)).Decision),
                    };
                }

                results.Add((results.Count.ToString("D6", CultureInfo.InvariantCulture), action, resource, result, details));
            }
        }

        var page = Paging.Apply(results, r => r.Key, input.Paging);
        return request.Respond(xml =>
        {
            xml.WriteStartElement("EvaluationResults");
            foreach (var item in page.Items)
            {
                WriteResult(xml, item.Action, item.Resource, item.Result, item.Details);
            }

            xml.WriteEndElement();
            page.WriteTruncation(xml);
        });
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
        var contextEntries = reader.Parameters.GetStructList("ContextEntries") ?? [];
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
            resourceOwner, callerArn, ReadContext(contextEntries), paging);
    }

    private static PolicyEntry Compile(string text, PolicyKind kind, string id, PolicySourceType sourceType)
    {
        var result = PolicyDocument.Parse(text, kind);
        return result.IsValid
            ? new PolicyEntry(id, sourceType, result.Document)
            : throw IamRequest.Error(AwsError.InvalidInput($"{id}: {result.Error.Message}"));
    }

    private static Dictionary<string, ContextValue> ReadContext(IReadOnlyList<IReadOnlyDictionary<string, string>> entries)
    {
        var context = new Dictionary<string, ContextValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var name = entry.GetValueOrDefault("ContextKeyName");
            var typeName = entry.GetValueOrDefault("ContextKeyType") ?? "string";
            if (string.IsNullOrEmpty(name) || !ContextKeyTypes.Contains(typeName, StringComparer.Ordinal))
            {
                throw IamRequest.Error(AwsError.InvalidInput(
                    $"Invalid context entry: ContextKeyName is required and ContextKeyType must be one of {string.Join(", ", ContextKeyTypes)}."));
            }

            var values = entry.Where(kv => kv.Key.StartsWith("ContextKeyValues.member.", StringComparison.Ordinal))
                .OrderBy(kv => int.TryParse(kv.Key["ContextKeyValues.member.".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? index
                    : throw IamRequest.Error(AwsError.InvalidInput("Invalid context entry: ContextKeyValues members must be numbered 1, 2, ...")))
                .Select(kv => kv.Value)
                .ToArray();
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
            context[name] = new ContextValue(type, values, isList);
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
