using Irsa.Policy.Conditions;
using Irsa.Policy.Json;
using Irsa.Policy.Model;

namespace Irsa.Policy.Parsing;

/// <summary>
/// Validates a policy document in AWS's order (syntax, kind rules, version, legacy parsing, Sid, actions,
/// resources, resource format, action format, principals) and compiles it. The first failing step wins.
/// </summary>
internal static class PolicyParser
{
    private static readonly HashSet<string> TopLevelKeys = new(StringComparer.Ordinal) { "Version", "Id", "Statement" };

    private static readonly HashSet<string> StatementKeys = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    };

    private static readonly HashSet<string> PrincipalKeys = new(StringComparer.Ordinal) { "AWS", "Federated", "Service", "CanonicalUser" };

    public static PolicyParseResult Parse(string json, PolicyKind kind)
    {
        var root = JsonTextParser.TryParse(json, out var duplicates);
        if (root is null)
        {
            return Fail(PolicyErrorKind.Syntax, kind == PolicyKind.Trust ? PolicyMessages.InvalidJson : PolicyMessages.SyntaxErrors);
        }

        if (duplicates || !TryReadSyntax(root, kind, out var version, out var id, out var statements))
        {
            return Fail(PolicyErrorKind.Syntax, PolicyMessages.SyntaxErrors);
        }

        if (PolicyKindRules.Check(kind, statements) is { } kindError)
        {
            return Fail(PolicyErrorKind.PolicyKindRule, kindError);
        }

        if (kind is PolicyKind.ManagedIdentity or PolicyKind.PermissionsBoundary && version != PolicyDocument.Version2012)
        {
            return Fail(PolicyErrorKind.Version, PolicyMessages.VersionRequired);
        }

        if (FailsLegacyParsing(statements))
        {
            return Fail(PolicyErrorKind.LegacyParsing, PolicyMessages.LegacyParsing);
        }

        if (CheckSids(kind, statements) is { } sidError)
        {
            return Fail(PolicyErrorKind.Sid, sidError);
        }

        if (statements.Any(s => s.Actions is null || s.Actions.Count == 0))
        {
            return Fail(PolicyErrorKind.MissingActions, PolicyMessages.MissingActions);
        }

        if (kind is not (PolicyKind.Trust or PolicyKind.Resource) && statements.Any(s => s.Resources is null || s.Resources.Count == 0))
        {
            return Fail(PolicyErrorKind.MissingResources, PolicyMessages.MissingResources);
        }

        foreach (var resource in statements.SelectMany(s => s.Resources ?? []))
        {
            if (ResourceValidator.Validate(resource) is { } resourceError)
            {
                return Fail(PolicyErrorKind.ResourceFormat, resourceError);
            }
        }

        foreach (var action in statements.SelectMany(s => s.Actions!))
        {
            if (ActionValidator.Validate(action) is { } actionError)
            {
                return Fail(PolicyErrorKind.ActionFormat, actionError);
            }
        }

        if (kind == PolicyKind.Trust && statements.SelectMany(s => s.Actions!).Any(a => !ActionValidator.IsTrustAction(a)))
        {
            return Fail(PolicyErrorKind.ActionFormat, PolicyMessages.TrustActionsOnly);
        }

        if (PrincipalValidator.Validate(kind, statements) is { } principalError)
        {
            return Fail(PolicyErrorKind.Principal, principalError);
        }

        return PolicyParseResult.Success(Compile(kind, version, id, statements, json));
    }

    private static PolicyParseResult Fail(PolicyErrorKind kind, string message) => PolicyParseResult.Failure(kind, message);

    private static bool TryReadSyntax(JsonNode root, PolicyKind kind, out string? version, out string? id, out List<RawStatement> statements)
    {
        version = null;
        id = null;
        statements = [];
        if (root.Kind != JsonKind.Object || root.Members.Any(m => !TopLevelKeys.Contains(m.Key)))
        {
            return false;
        }

        if (root.Get("Version") is { } versionNode)
        {
            if (versionNode.Kind != JsonKind.String || versionNode.Text is not (PolicyDocument.Version2012 or PolicyDocument.Version2008))
            {
                return false;
            }

            version = versionNode.Text;
        }

        if (root.Get("Id") is { } idNode)
        {
            if (idNode.Kind != JsonKind.String)
            {
                return false;
            }

            id = idNode.Text;
        }

        var statementNode = root.Get("Statement");
        List<JsonNode> items;
        if (statementNode is null)
        {
            return false;
        }
        else if (statementNode.Kind == JsonKind.Object)
        {
            items = [statementNode];
        }
        else if (statementNode.Kind == JsonKind.Array && statementNode.Items.Count > 0)
        {
            items = statementNode.Items;
        }
        else
        {
            return false;
        }

        foreach (var item in items)
        {
            if (item.Kind != JsonKind.Object || !TryReadStatement(item, kind, out var statement))
            {
                return false;
            }

            statements.Add(statement);
        }

        return true;
    }

    private static bool TryReadStatement(JsonNode node, PolicyKind kind, out RawStatement statement)
    {
        statement = new RawStatement { Node = node };
        if (node.Members.Any(m => !StatementKeys.Contains(m.Key)))
        {
            return false;
        }

        if (node.Get("Sid") is { } sid)
        {
            if (sid.Kind != JsonKind.String)
            {
                return false;
            }

            statement.Sid = sid.Text;
        }

        var effect = node.Get("Effect");
        if (effect is null)
        {
            // Trust policies report a missing Effect with their own message in the kind-rules step.
            if (kind != PolicyKind.Trust)
            {
                return false;
            }
        }
        else
        {
            // A case-only mismatch ("allow") is a legacy-parsing failure, reported later.
            if (effect.Kind != JsonKind.String
                || !(effect.Text.Equals("Allow", StringComparison.OrdinalIgnoreCase) || effect.Text.Equals("Deny", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            statement.Effect = effect.Text;
        }

        return TryReadPrincipal(node, statement)
            && TryReadPair(node, "Action", "NotAction", out var actions, out var notAction)
            && TryReadPair(node, "Resource", "NotResource", out var resources, out var notResource)
            && TryReadConditions(node.Get("Condition"), statement)
            && Assign(statement, actions, notAction, resources, notResource);
    }

    private static bool Assign(RawStatement s, List<string>? actions, bool notAction, List<string>? resources, bool notResource)
    {
        s.Actions = actions;
        s.NotAction = notAction;
        s.Resources = resources;
        s.NotResource = notResource;
        return true;
    }

    private static bool TryReadPrincipal(JsonNode node, RawStatement statement)
    {
        var principal = node.Get("Principal");
        var notPrincipal = node.Get("NotPrincipal");
        if (principal is not null && notPrincipal is not null)
        {
            return false;
        }

        var element = principal ?? notPrincipal;
        if (element is null)
        {
            return true;
        }

        statement.HasPrincipal = true;
        statement.NotPrincipal = notPrincipal is not null;
        if (element.Kind == JsonKind.String)
        {
            statement.PrincipalWildcard = element.Text == "*";
            return statement.PrincipalWildcard;
        }

        if (element.Kind != JsonKind.Object || element.Members.Count == 0)
        {
            return false;
        }

        foreach (var member in element.Members)
        {
            if (!PrincipalKeys.Contains(member.Key) || !TryReadStrings(member.Value, out var values) || values.Count == 0)
            {
                return false;
            }

            foreach (var value in values)
            {
                statement.Principals.Add(new KeyValuePair<string, string>(member.Key, value));
            }
        }

        return true;
    }

    private static bool TryReadPair(JsonNode node, string name, string notName, out List<string>? values, out bool negated)
    {
        values = null;
        var positive = node.Get(name);
        var negative = node.Get(notName);
        negated = negative is not null;
        if (positive is not null && negative is not null)
        {
            return false;
        }

        var element = positive ?? negative;
        if (element is null)
        {
            return true;
        }

        if (!TryReadStrings(element, out var list))
        {
            return false;
        }

        values = list;
        return true;
    }

    private static bool TryReadStrings(JsonNode node, out List<string> values)
    {
        values = [];
        if (node.Kind == JsonKind.String)
        {
            values.Add(node.Text);
            return true;
        }

        if (node.Kind != JsonKind.Array)
        {
            return false;
        }

        foreach (var item in node.Items)
        {
            if (item.Kind != JsonKind.String)
            {
                return false;
            }

            values.Add(item.Text);
        }

        return true;
    }

    private static bool TryReadConditions(JsonNode? condition, RawStatement statement)
    {
        if (condition is null)
        {
            return true;
        }

        if (condition.Kind != JsonKind.Object)
        {
            return false;
        }

        foreach (var (name, block) in condition.Members)
        {
            if (block.Kind != JsonKind.Object)
            {
                return false;
            }

            var op = ConditionOperator.TryParse(name);
            if (op is null)
            {
                // An unknown operator is tolerated only with an empty block, where it imposes nothing.
                if (block.Members.Count > 0 || name.Contains("::", StringComparison.Ordinal))
                {
                    return false;
                }

                continue;
            }

            foreach (var (key, valueNode) in block.Members)
            {
                var values = new List<string>();
                if (valueNode.IsScalar)
                {
                    values.Add(valueNode.Text);
                }
                else if (valueNode.Kind == JsonKind.Array && valueNode.Items.All(i => i.IsScalar))
                {
                    values.AddRange(valueNode.Items.Select(i => i.Text));
                }
                else
                {
                    return false;
                }

                statement.Conditions.Add(new RawCondition(op.Value, name, key, values));
            }
        }

        return true;
    }

    private static bool FailsLegacyParsing(List<RawStatement> statements)
    {
        foreach (var s in statements)
        {
            if (s.Effect is not null && s.Effect is not ("Allow" or "Deny"))
            {
                return true;
            }

            foreach (var c in s.Conditions)
            {
                if (c.Operator.IsDate && c.Values.Any(v => !PolicyDate.TryParse(v, out _)))
                {
                    return true;
                }

                // Numbers and IP blocks: AWS behaviour unverified; rejected the same way as bad dates.
                if (c.Operator.IsNumeric && c.Values.Any(v => !NumericValueMatcher.TryParse(v, out _)))
                {
                    return true;
                }

                if (c.Operator.Kind is ConditionOperatorKind.IpAddress or ConditionOperatorKind.NotIpAddress
                    && c.Values.Any(v => !IpNetwork.TryParse(v, out _)))
                {
                    return true;
                }
            }

            if ((s.Resources ?? []).Any(ResourceValidator.FailsLegacyParsing))
            {
                return true;
            }
        }

        return false;
    }

    private static string? CheckSids(PolicyKind kind, List<RawStatement> statements)
    {
        // Other services (S3 and friends) allow more characters in a Sid than IAM does.
        if (kind != PolicyKind.Resource && statements.Any(s => s.Sid is { } sid && !sid.All(char.IsAsciiLetterOrDigit)))
        {
            return PolicyMessages.SidNotAlphanumeric;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements)
        {
            if (!string.IsNullOrEmpty(s.Sid) && !seen.Add(s.Sid))
            {
                return PolicyMessages.SidNotUnique;
            }
        }

        return null;
    }

    private static PolicyDocument Compile(PolicyKind kind, string? version, string? id, List<RawStatement> raw, string text)
    {
        var variables = version == PolicyDocument.Version2012;
        var statements = new PolicyStatement[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var s = raw[i];
            PrincipalMatcher? principal = null;
            if (s.HasPrincipal)
            {
                principal = new PrincipalMatcher(s.NotPrincipal);
                if (s.PrincipalWildcard)
                {
                    principal.AddWildcard();
                }

                foreach (var (type, value) in s.Principals)
                {
                    principal.Add(type, value);
                }
            }

            statements[i] = new PolicyStatement(
                i,
                s.Sid,
                s.Effect == "Deny" ? PolicyEffect.Deny : PolicyEffect.Allow,
                s.Node.Start,
                s.Node.End,
                new ActionMatcher(s.Actions!, s.NotAction),
                s.Resources is null ? null : new ResourceMatcher(s.Resources, s.NotResource, variables),
                principal,
                s.Conditions.Select(c => ConditionCompiler.Compile(c, variables)).ToArray());
        }

        return new PolicyDocument(kind, version, id, statements, text);
    }
}
