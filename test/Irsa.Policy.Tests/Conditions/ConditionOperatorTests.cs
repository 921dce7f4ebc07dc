namespace Irsa.Policy.Tests.Conditions;

public sealed class ConditionOperatorTests
{
    public static TheoryData<string, string, string[], bool> Cases => new()
    {
        // String operators
        { "StringEquals_Match", """{"StringEquals":{"k":"abc"}}""", ["k=abc"], true },
        { "StringEquals_CaseSensitive", """{"StringEquals":{"k":"abc"}}""", ["k=ABC"], false },
        { "StringEquals_AnyOfValues", """{"StringEquals":{"k":["x","abc"]}}""", ["k=abc"], true },
        { "StringEquals_StarIsLiteral", """{"StringEquals":{"k":"a*"}}""", ["k=abc"], false },
        { "StringEquals_MissingKey", """{"StringEquals":{"k":"abc"}}""", [], false },
        { "StringEquals_KeyNameCaseInsensitive", """{"StringEquals":{"AWS:SourceVpc":"v1"}}""", ["aws:sourcevpc=v1"], true },
        { "StringEquals_EmptyValueList", """{"StringEquals":{"k":[]}}""", ["k=abc"], false },
        { "StringEquals_NumberValueComparedAsText", """{"StringEquals":{"k":42}}""", ["k=42"], true },
        { "StringNotEquals_Differs", """{"StringNotEquals":{"k":"abc"}}""", ["k=xyz"], true },
        { "StringNotEquals_Equal", """{"StringNotEquals":{"k":"abc"}}""", ["k=abc"], false },
        { "StringNotEquals_NorOverValues", """{"StringNotEquals":{"k":["x","abc"]}}""", ["k=abc"], false },
        { "StringNotEquals_MissingKeyIsTrue", """{"StringNotEquals":{"k":"abc"}}""", [], true },
        { "StringEqualsIgnoreCase_Match", """{"StringEqualsIgnoreCase":{"k":"abc"}}""", ["k=AbC"], true },
        { "StringNotEqualsIgnoreCase_SameIgnoringCase", """{"StringNotEqualsIgnoreCase":{"k":"abc"}}""", ["k=ABC"], false },
        { "StringLike_Star", """{"StringLike":{"k":"a*c"}}""", ["k=abbbc"], true },
        { "StringLike_StarEmpty", """{"StringLike":{"k":"a*c"}}""", ["k=ac"], true },
        { "StringLike_Question", """{"StringLike":{"k":"a?c"}}""", ["k=abc"], true },
        { "StringLike_QuestionExactlyOne", """{"StringLike":{"k":"a?c"}}""", ["k=ac"], false },
        { "StringLike_CaseSensitive", """{"StringLike":{"k":"A*"}}""", ["k=abc"], false },
        { "StringLike_StarCrossesColonAndSlash", """{"StringLike":{"k":"a*z"}}""", ["k=a:b/c:z"], true },
        { "StringLike_WholeStringAnchored", """{"StringLike":{"k":"b*"}}""", ["k=abc"], false },
        { "StringNotLike_Match", """{"StringNotLike":{"k":"a*"}}""", ["k=abc"], false },
        { "StringNotLike_NoMatch", """{"StringNotLike":{"k":"x*"}}""", ["k=abc"], true },

        // Numeric
        { "NumericEquals_Int", """{"NumericEquals":{"k":"10"}}""", ["k=10"], true },
        { "NumericEquals_Decimal", """{"NumericEquals":{"k":"10.50"}}""", ["k=10.5"], true },
        { "NumericNotEquals", """{"NumericNotEquals":{"k":"10"}}""", ["k=11"], true },
        { "NumericLessThan_True", """{"NumericLessThan":{"k":"10"}}""", ["k=9"], true },
        { "NumericLessThan_Equal", """{"NumericLessThan":{"k":"10"}}""", ["k=10"], false },
        { "NumericLessThanEquals_Equal", """{"NumericLessThanEquals":{"k":"10"}}""", ["k=10"], true },
        { "NumericGreaterThan_True", """{"NumericGreaterThan":{"k":"10"}}""", ["k=10.1"], true },
        { "NumericGreaterThanEquals_Less", """{"NumericGreaterThanEquals":{"k":"10"}}""", ["k=9"], false },
        { "NumericEquals_RequestNotANumber", """{"NumericEquals":{"k":"10"}}""", ["k=ten"], false },
        { "NumericNotEquals_RequestNotANumber", """{"NumericNotEquals":{"k":"10"}}""", ["k=ten"], false },
        { "NumericNotEquals_MissingKey", """{"NumericNotEquals":{"k":"10"}}""", [], true },

        // Date
        { "DateLessThan_Iso", """{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}""", ["aws:CurrentTime=2029-12-31T23:59:59Z"], true },
        { "DateLessThan_IsoFalse", """{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}""", ["aws:CurrentTime=2030-01-01T00:00:00Z"], false },
        { "DateLessThanEquals_Equal", """{"DateLessThanEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}""", ["aws:CurrentTime=2030-01-01T00:00:00Z"], true },
        { "DateGreaterThan_Epoch", """{"DateGreaterThan":{"aws:CurrentTime":"1700000000"}}""", ["aws:CurrentTime=2024-01-01T00:00:00Z"], true },
        { "DateGreaterThanEquals_DateOnly", """{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01"}}""", ["aws:CurrentTime=2024-01-01T00:00:00Z"], true },
        { "DateEquals_OffsetNormalised", """{"DateEquals":{"k":"2024-01-01T02:00:00+02:00"}}""", ["k=2024-01-01T00:00:00Z"], true },
        { "DateNotEquals", """{"DateNotEquals":{"k":"2024-01-01T00:00:00Z"}}""", ["k=2024-01-02T00:00:00Z"], true },
        { "DateEquals_FractionalSeconds", """{"DateEquals":{"k":"2024-01-01T00:00:00.500Z"}}""", ["k=2024-01-01T00:00:00.5Z"], true },
        { "DateGreaterThan_RequestEpoch", """{"DateGreaterThan":{"k":"2024-01-01T00:00:00Z"}}""", ["k=1800000000"], true },

        // Bool
        { "Bool_True", """{"Bool":{"aws:SecureTransport":"true"}}""", ["aws:SecureTransport=true"], true },
        { "Bool_IgnoresCase", """{"Bool":{"aws:SecureTransport":"TRUE"}}""", ["aws:SecureTransport=true"], true },
        { "Bool_JsonBoolean", """{"Bool":{"aws:SecureTransport":false}}""", ["aws:SecureTransport=false"], true },
        { "Bool_Mismatch", """{"Bool":{"aws:SecureTransport":"true"}}""", ["aws:SecureTransport=false"], false },
        { "Bool_Missing", """{"Bool":{"aws:SecureTransport":"false"}}""", [], false },

        // Binary
        { "BinaryEquals_Match", """{"BinaryEquals":{"k":"QmluYXJ5"}}""", ["k=QmluYXJ5"], true },
        { "BinaryEquals_Mismatch", """{"BinaryEquals":{"k":"QmluYXJ5"}}""", ["k=QmluYXJ6"], false },

        // IP
        { "IpAddress_V4Cidr", """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", ["aws:SourceIp=203.0.113.77"], true },
        { "IpAddress_V4Outside", """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", ["aws:SourceIp=203.0.114.1"], false },
        { "IpAddress_V4OddPrefix", """{"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}}""", ["aws:SourceIp=10.127.255.255"], true },
        { "IpAddress_V4OddPrefixOutside", """{"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}}""", ["aws:SourceIp=10.128.0.0"], false },
        { "IpAddress_BareIpIsSlash32", """{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}""", ["aws:SourceIp=203.0.113.5"], true },
        { "IpAddress_V6Cidr", """{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}""", ["aws:SourceIp=2001:db8:1::5"], true },
        { "IpAddress_V6Outside", """{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}""", ["aws:SourceIp=2001:db9::5"], false },
        { "IpAddress_FamilyMismatch", """{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}""", ["aws:SourceIp=::1"], false },
        { "IpAddress_ZeroPrefixAll", """{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}""", ["aws:SourceIp=8.8.8.8"], true },
        { "NotIpAddress_Outside", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", ["aws:SourceIp=198.51.100.1"], true },
        { "NotIpAddress_Inside", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", ["aws:SourceIp=203.0.113.1"], false },
        { "NotIpAddress_Missing", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", [], true },

        // ARN
        { "ArnEquals_Exact", """{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"}}""", ["aws:SourceArn=arn:aws:sns:us-east-1:111122223333:topic"], true },
        { "ArnLike_SegmentWildcard", """{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}""", ["aws:SourceArn=arn:aws:sns:eu-west-1:111122223333:topic"], true },
        { "ArnLike_StarDoesNotCrossColon", """{"ArnLike":{"k":"arn:aws:svc:*:111122223333:finance/*"}}""", ["k=arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"], false },
        { "StringLike_SameValueCrossesColon", """{"StringLike":{"k":"arn:aws:svc:*:111122223333:finance/*"}}""", ["k=arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"], true },
        { "ArnLike_CaseSensitive", """{"ArnLike":{"k":"arn:aws:iam::111122223333:role/App"}}""", ["k=arn:aws:iam::111122223333:role/app"], false },
        { "ArnLike_RequestNotArn", """{"ArnLike":{"k":"arn:aws:*"}}""", ["k=not-an-arn"], false },
        { "ArnNotLike_RequestNotArnAlsoFalse", """{"ArnNotLike":{"k":"arn:aws:s3:::x"}}""", ["k=not-an-arn"], false },
        { "ArnNotEquals_Different", """{"ArnNotEquals":{"k":"arn:aws:s3:::x"}}""", ["k=arn:aws:s3:::y"], true },
        { "ArnNotLike_Missing", """{"ArnNotLike":{"k":"arn:aws:s3:::x"}}""", [], true },

        // Null
        { "Null_TrueKeyAbsent", """{"Null":{"k":"true"}}""", [], true },
        { "Null_TrueKeyPresent", """{"Null":{"k":"true"}}""", ["k=v"], false },
        { "Null_FalseKeyPresent", """{"Null":{"k":"false"}}""", ["k=v"], true },
        { "Null_FalseKeyAbsent", """{"Null":{"k":"false"}}""", [], false },
        { "Null_EmptyListCountsAsAbsent", """{"Null":{"aws:TagKeys":"true"}}""", ["aws:TagKeys=[]"], true },

        // IfExists
        { "IfExists_MissingKeyTrue", """{"StringEqualsIfExists":{"k":"abc"}}""", [], true },
        { "IfExists_PresentEvaluates", """{"StringEqualsIfExists":{"k":"abc"}}""", ["k=xyz"], false },
        { "IfExists_PresentMatches", """{"StringEqualsIfExists":{"k":"abc"}}""", ["k=abc"], true },
        { "IfExists_NumericMissing", """{"NumericLessThanIfExists":{"k":"3"}}""", [], true },

        // Combination: operators AND, keys AND, values OR
        { "TwoKeys_BothMustHold", """{"StringEquals":{"a":"1","b":"2"}}""", ["a=1", "b=3"], false },
        { "TwoOperators_BothMustHold", """{"StringEquals":{"a":"1"},"StringLike":{"b":"x*"}}""", ["a=1", "b=xyz"], true },
        { "EmptyOperatorBlock_ImposesNothing", """{"DateGreaterThan":{}}""", [], true },
        { "UnknownOperatorWithEmptyBlock_Ignored", """{"StringSomething":{}}""", [], true },

        // Set operators
        { "ForAllValues_AllInSet", """{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}""", ["aws:TagKeys=[a,b]"], true },
        { "ForAllValues_OneOutside", """{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}""", ["aws:TagKeys=[a,c]"], false },
        { "ForAllValues_MissingKeyVacuous", """{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}""", [], true },
        { "ForAllValues_EmptyListVacuous", """{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[]"], true },
        { "ForAllValues_StringNotEquals_AllOutside", """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}""", ["aws:TagKeys=[a,b]"], true },
        { "ForAllValues_StringNotEquals_OneInside", """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}""", ["aws:TagKeys=[a,secret]"], false },
        { "ForAllValues_StringLike", """{"ForAllValues:StringLike":{"aws:TagKeys":["team-*"]}}""", ["aws:TagKeys=[team-a,team-b]"], true },
        { "ForAnyValue_OneMatches", """{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[x,a]"], true },
        { "ForAnyValue_NoneMatch", """{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[x,y]"], false },
        { "ForAnyValue_MissingKeyFalse", """{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}""", [], false },
        { "ForAnyValue_EmptyListFalse", """{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[]"], false },
        { "ForAnyValue_NegatedMissingStillFalse", """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}""", [], false },
        { "ForAnyValue_StringNotEquals_SomeOutside", """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[a,b]"], true },
        { "ForAnyValue_StringNotEquals_AllInside", """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}""", ["aws:TagKeys=[a]"], false },
        { "ForAnyValue_StringLike_Amr", """{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}""", ["cognito-identity.amazonaws.com:amr=[authenticated,graph.facebook.com]"], true },
        { "ForAnyValue_SingleValuedKeyIsOneElementSet", """{"ForAnyValue:StringEquals":{"k":"a"}}""", ["k=a"], true },
        { "ForAllValues_NumericLessThan", """{"ForAllValues:NumericLessThan":{"k":"10"}}""", ["k=[1,2,9]"], true },

        // A multivalued key under a plain operator never matches, even negated.
        { "MultiValuedKey_PlainOperatorFalse", """{"StringEquals":{"aws:TagKeys":"a"}}""", ["aws:TagKeys=[a]"], false },
        { "MultiValuedKey_NegatedPlainOperatorFalse", """{"StringNotEquals":{"aws:TagKeys":"z"}}""", ["aws:TagKeys=[a]"], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operator_evaluates_as_documented(string name, string condition, string[] context, bool expected)
    {
        var policy = TestPolicy.WithCondition(condition);
        var allowed = TestPolicy.Allows(policy, TestPolicy.Context(context));
        Assert.True(expected == allowed, $"{name}: expected {expected}");
    }

    [Fact]
    public void ForAnyValue_IfExists_with_missing_key_is_true()
    {
        // Open question in the spec: the differential peer ignores IfExists here and returns false. We chose
        // true because IfExists means "if the key is absent, the condition holds" everywhere else.
        var policy = TestPolicy.WithCondition("""{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}}""");
        Assert.True(TestPolicy.Allows(policy, TestPolicy.Context()));
    }

    [Fact]
    public void Deny_with_StringNotEquals_fires_when_key_is_missing()
    {
        var policy = TestPolicy.Entry("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}]}
            """);
        Assert.Equal(PolicyDecision.ExplicitDeny, TestPolicy.EvaluateIdentity(policy, TestPolicy.Context()).Decision);
        Assert.Equal(PolicyDecision.Allowed, TestPolicy.EvaluateIdentity(policy, TestPolicy.Context("aws:SourceVpc=vpc-1")).Decision);
    }

    [Fact]
    public void Typed_builder_values_compare_with_typed_operators()
    {
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var context = RequestContext.CreateBuilder("s3:GetObject", "arn:aws:s3:::b/k")
            .WithPrincipal(TestPolicy.Session)
            .WithCurrentTime(now)
            .Add("s3:max-keys", 5L)
            .Add("aws:SourceIp", System.Net.IPAddress.Parse("10.1.2.3"))
            .Add("aws:MultiFactorAuthPresent", true)
            .AddBinary("k:bin", [1, 2, 3])
            .Build();
        var policy = TestPolicy.WithCondition("""
            {"DateLessThan":{"aws:CurrentTime":"2025-06-01T12:00:01Z"},
             "NumericEquals":{"aws:EpochTime":"1748779200"},
             "NumericLessThanEquals":{"s3:max-keys":"5"},
             "IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
             "Bool":{"aws:MultiFactorAuthPresent":"true"},
             "BinaryEquals":{"k:bin":"AQID"}}
            """);
        Assert.True(TestPolicy.Allows(policy, context));
    }
}
