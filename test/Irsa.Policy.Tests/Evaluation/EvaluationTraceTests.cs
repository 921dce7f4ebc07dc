namespace Irsa.Policy.Tests.Evaluation;

public sealed class EvaluationTraceTests
{
    private const string Host = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
    private const string ProviderArn = "arn:aws:iam::111122223333:oidc-provider/" + Host;

    private const string TrustJson = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Reader",
              "Effect": "Allow",
              "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {
                "StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:default:reader"},
                "StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud": ["sts.*", "other"]}
              }
            }
          ]
        }
        """;

    private static RequestContext WebRequest(string sub, string provider = ProviderArn) =>
        WebIdentityContext.CreateBuilder(TestPolicy.RoleArn, provider, "https://" + Host,
            new WebIdentityClaims { Subject = sub, Audience = "sts.amazonaws.com" }, DateTimeOffset.UnixEpoch).Build();

    [Fact]
    public void FailedCondition_IsRecordedWithOperatorKeyAndBothValues()
    {
        var trust = TestPolicy.Entry(TrustJson, PolicyKind.Trust, "trust", PolicySourceType.Resource);
        var trace = new EvaluationTrace();

        var result = PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(WebRequest("system:serviceaccount:default:default"), trust), trace);

        Assert.Equal(PolicyDecision.ImplicitDeny, result.Decision);
        var statement = Assert.Single(trace.Statements);
        Assert.Equal(PolicySetRole.Resource, statement.Role);
        Assert.Same(trust, statement.Policy);
        Assert.Equal(StatementPart.Condition, statement.Mismatch);
        Assert.Equal(2, statement.Conditions.Count);
        var sub = statement.Conditions[0];
        Assert.Equal("StringEquals", sub.Operator);
        Assert.Equal(Host + ":sub", sub.Key);
        Assert.Equal(["system:serviceaccount:default:reader"], sub.PolicyValues);
        Assert.Equal(["system:serviceaccount:default:default"], sub.RequestValues);
        Assert.False(sub.Matched);
        var aud = statement.Conditions[1];
        Assert.Equal("StringLike", aud.Operator);
        Assert.Equal(["sts.*", "other"], aud.PolicyValues);
        Assert.True(aud.Matched);
    }

    [Fact]
    public void PrincipalMismatch_StopsBeforeConditions()
    {
        var trust = TestPolicy.Entry(TrustJson, PolicyKind.Trust, "trust", PolicySourceType.Resource);
        var trace = new EvaluationTrace();

        PolicyEvaluator.Evaluate(AuthorizationRequest.ForTrustPolicy(
            WebRequest("system:serviceaccount:default:reader", "arn:aws:iam::111122223333:oidc-provider/other.example"), trust), trace);

        var statement = Assert.Single(trace.Statements);
        Assert.Equal(StatementPart.Principal, statement.Mismatch);
        Assert.Empty(statement.Conditions);
    }

    [Fact]
    public void Sets_AreTaggedWithTheirRole_AndTheAppliedStatementHasNoMismatch()
    {
        var identity = TestPolicy.Entry("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}""");
        var boundary = TestPolicy.Entry("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}""",
            PolicyKind.PermissionsBoundary, "boundary", PolicySourceType.UserManaged);
        var session = TestPolicy.Entry("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::bucket/*"}}""",
            PolicyKind.Session, "session", PolicySourceType.None);
        var trace = new EvaluationTrace();

        var result = PolicyEvaluator.Evaluate(new AuthorizationRequest(TestPolicy.Context())
        {
            IdentityPolicies = [identity],
            PermissionsBoundary = boundary,
            SessionPolicies = [session],
        }, trace);

        Assert.False(result.IsAllowed);
        Assert.Collection(trace.Statements,
            s => Assert.Equal((PolicySetRole.Identity, StatementPart.None), (s.Role, s.Mismatch)),
            s => Assert.Equal((PolicySetRole.Identity, StatementPart.Action), (s.Role, s.Mismatch)),
            s => Assert.Equal((PolicySetRole.PermissionsBoundary, StatementPart.Action), (s.Role, s.Mismatch)),
            s => Assert.Equal((PolicySetRole.Session, StatementPart.Resource), (s.Role, s.Mismatch)));
    }

    [Fact]
    public void AbsentKey_IsRecordedAsNoRequestValues()
    {
        var policy = TestPolicy.WithCondition("""{"StringEquals":{"aws:PrincipalTag/team":"blue"}}""");
        var trace = new EvaluationTrace();

        PolicyEvaluator.Evaluate(new AuthorizationRequest(TestPolicy.Context()) { IdentityPolicies = [policy] }, trace);

        var condition = Assert.Single(Assert.Single(trace.Statements).Conditions);
        Assert.Null(condition.RequestValues);
        Assert.False(condition.Matched);
        Assert.False(condition.Negated);
    }

    [Fact]
    public void Tracing_DoesNotChangeTheDecision()
    {
        var policy = TestPolicy.WithCondition("""{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}""");
        var request = new AuthorizationRequest(TestPolicy.Context("aws:PrincipalTag/team=blue")) { IdentityPolicies = [policy] };
        var trace = new EvaluationTrace();

        var traced = PolicyEvaluator.Evaluate(request, trace);
        var plain = PolicyEvaluator.Evaluate(request);

        Assert.Equal(plain.Decision, traced.Decision);
        Assert.Equal(plain.MatchedStatements, traced.MatchedStatements);
        var condition = Assert.Single(Assert.Single(trace.Statements).Conditions);
        Assert.True(condition.Negated);
        Assert.True(condition.Matched);
    }

    [Fact]
    public void StatementText_IsQuotedVerbatimWithItsIndentation()
    {
        var document = TestPolicy.Parse(TrustJson, PolicyKind.Trust);
        var statement = Assert.Single(document.Statements);

        var text = document.GetStatementText(statement);

        var lines = TrustJson.Split('\n');
        var expected = string.Join('\n', lines[(statement.StartPosition.Line - 1)..statement.EndPosition.Line]);
        Assert.Equal(expected.TrimEnd(',', '\r'), text);
        Assert.StartsWith("    {", text, StringComparison.Ordinal);
        Assert.EndsWith("}", text, StringComparison.Ordinal);
        Assert.Equal(4, statement.StartPosition.Line);
        Assert.Equal(13, statement.EndPosition.Line);
    }

    [Fact]
    public void StatementText_OfAOneLinePolicy_IsJustTheStatement()
    {
        var document = TestPolicy.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:Put*","Resource":"*"}]}""");

        Assert.Equal("""{"Effect":"Allow","Action":"s3:*","Resource":"*"}""", document.GetStatementText(document.Statements[0]));
        Assert.Equal("""{"Effect":"Deny","Action":"s3:Put*","Resource":"*"}""", document.GetStatementText(document.Statements[1]));
    }
}
