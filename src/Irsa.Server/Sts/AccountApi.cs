using System.Text;
using System.Text.Json.Nodes;
using Irsa.Core.Audit;
using Irsa.Core.Aws;
using Irsa.Iam.Accounts;
using Irsa.Server.Aws;

namespace Irsa.Server.Sts;

/// <summary>
/// Irsa's one account-administration operation, <c>IrsaAccounts.CreateAccount</c> (awsJson 1.1, any signing scope): adds an
/// isolated account with its own <c>irsa-admin</c> user and access key, so cross-account trust can be set up as on AWS.
/// </summary>
/// <remarks>
/// AWS creates accounts through Organizations, whose <c>CreateAccount</c> is asynchronous and needs e-mail addresses; a local
/// emulator needs neither. The operation runs through the pipeline like any other: signed, authorized by the Irsa action
/// <c>irsa:CreateAccount</c>, audited. Only principals of the server's own account (the one <c>irsa up</c> bootstrapped, like
/// an organization's management account) may call it; other accounts' administrators get <c>AccessDeniedException</c>.
/// </remarks>
public sealed class AccountApi(IamBootstrap bootstrap, Func<string> managementAccountId)
{
    public const string Target = "IrsaAccounts.CreateAccount";
    public const string Action = "irsa:CreateAccount";

    public IEnumerable<AwsOperation> Rows(string eventSource) =>
    [
        new AwsOperation
        {
            Service = "irsa",
            Name = "CreateAccount",
            JsonTarget = Target,
            IamAction = Action,
            Dialect = AwsErrorDialect.Json11,
            EventSource = eventSource,
            Handler = CreateAsync,
        },
    ];

    private async Task<AwsResult> CreateAsync(AwsCall call)
    {
        var caller = call.RequiredCaller;
        if (!string.Equals(caller.AccountId, managementAccountId(), StringComparison.Ordinal))
        {
            return AwsResult.Fail(new AwsError("AccessDeniedException", "Only the management account can create accounts.", 400),
                Explanation.Of("NotManagementAccount", $"{caller.PrincipalArn} is not in the account the server was bootstrapped with."));
        }

        string? name = null;
        try
        {
            name = call.Request.Body.Length == 0 ? null : (JsonNode.Parse(call.Request.Body) as JsonObject)?["Name"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            // Answered below as a missing name.
        }

        if (name is not { Length: >= 1 and <= 64 } || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return new AwsError("ValidationException", "Name must be 1 to 64 characters of letters, digits, '-', '_' and '.'.", 400);
        }

        var created = await bootstrap.EnsureAccountAsync(AwsIds.NewAccountId(), call.CancellationToken);
        var body = new JsonObject
        {
            ["Account"] = new JsonObject { ["Id"] = created.AccountId, ["Name"] = name },
            ["AccessKey"] = new JsonObject
            {
                ["UserName"] = IamBootstrap.AdminUserName,
                ["AccessKeyId"] = created.AccessKeyId,
                ["SecretAccessKey"] = created.SecretAccessKey,
            },
        };
        return new AwsResult(new AwsReply(200, "application/x-amz-json-1.1", Encoding.UTF8.GetBytes(body.ToJsonString())))
        {
            // The secret is the caller's alone: the trail records the account and the key id.
            ResponseElements = new JsonObject
            {
                ["account"] = new JsonObject { ["id"] = created.AccountId, ["name"] = name },
                ["accessKey"] = new JsonObject { ["userName"] = IamBootstrap.AdminUserName, ["accessKeyId"] = created.AccessKeyId },
            },
        };
    }
}
