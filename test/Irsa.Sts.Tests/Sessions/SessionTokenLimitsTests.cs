using Irsa.Iam;
using Irsa.Sts.Sessions;

namespace Irsa.Sts.Tests.Sessions;

public sealed class SessionTokenLimitsTests
{
    private const string Account = "111122223333";

    private static readonly CallerIdentity LongTermUser = CallerIdentity.ForUser(Account, $"arn:aws:iam::{Account}:user/alice", "alice", "AIDAEXAMPLE");

    private static readonly CallerIdentity SessionTokenUser = LongTermUser with { Session = CallerSession.Empty };

    private static readonly CallerIdentity RoleSession =
        CallerIdentity.ForRoleSession(Account, $"arn:aws:iam::{Account}:role/app", "app", "AROAEXAMPLE", "s", CallerSession.Empty);

    [Theory]
    [InlineData("iam", "ListRoles", "InvalidClientTokenId", "The security token included in the request is invalid")]
    [InlineData("sts", "GetAccessKeyInfo", "AccessDenied", "Cannot call GetAccessKeyInfo with session credentials")]
    [InlineData("sts", "GetSessionToken", "AccessDenied", "Cannot call GetSessionToken with session credentials")]
    public void GetSessionToken_credentials_are_refused_as_AWS_refuses_them(string service, string operation, string code, string message)
    {
        var refusal = SessionTokenLimits.Refusal(SessionTokenUser, service, operation);

        Assert.Equal((code, message, 403), (refusal?.Code, refusal?.Message, refusal?.StatusCode));
    }

    [Theory]
    [InlineData("sts", "AssumeRole")]
    [InlineData("sts", "GetCallerIdentity")]
    [InlineData("s3", "ListBuckets")]
    [InlineData("eks", "ListClusters")]
    public void GetSessionToken_credentials_may_call_the_rest(string service, string operation) =>
        Assert.Null(SessionTokenLimits.Refusal(SessionTokenUser, service, operation));

    [Fact]
    public void Long_term_keys_and_role_sessions_are_not_limited()
    {
        Assert.Null(SessionTokenLimits.Refusal(LongTermUser, "iam", "ListRoles"));
        Assert.Null(SessionTokenLimits.Refusal(RoleSession, "iam", "ListRoles"));
        Assert.Null(SessionTokenLimits.Refusal(RoleSession, "sts", "GetAccessKeyInfo"));
    }
}
