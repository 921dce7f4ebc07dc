using System.CommandLine;
using System.Text.Json.Nodes;
using Irsa.Server.Hosting;

namespace Irsa.Cli.Commands;

/// <summary>
/// <c>irsa account create NAME</c>: a new isolated account (its own <c>irsa-admin</c> user and key) added through the server,
/// written as profile NAME into the data folder's <c>credentials</c> and <c>config</c>, so
/// <c>AWS_PROFILE=NAME aws ...</c> acts in it, for cross-account trust set up as on AWS.
/// </summary>
internal static class AccountCommands
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Account name, also the AWS profile written for its administrator" };
        var create = new Command("create", "Create an isolated account with its own admin credentials and AWS profile") { name };
        create.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var accountName = parse.GetValue(name)!;
            var data = new DataDirectory(CliEnvironment.DataDirectory(parse));
            if (accountName == ClientConfigFiles.Profile || ClientConfigFiles.HasProfile(data, accountName))
            {
                throw new CliError($"profile {accountName} already exists in {data.CredentialsFile} or {data.ConfigFile}: choose another name");
            }

            using var client = CliEnvironment.Client(parse);
            var result = await client.JsonAsync("irsa", "IrsaAccounts.CreateAccount", new JsonObject { ["Name"] = accountName }, ct);
            var accountId = result.Text("Account.Id") ?? throw new CliError("the server answered without an account id");
            ClientConfigFiles.WriteProfile(data, accountName, result.Text("AccessKey.AccessKeyId")!, result.Text("AccessKey.SecretAccessKey")!,
                client.Region, client.Endpoint, client.Endpoint.StartsWith("https://", StringComparison.Ordinal));

            // The secret went to the 0600 credentials file only; the output names the account and the profile.
            var summary = new JsonObject { ["AccountId"] = accountId, ["Name"] = accountName, ["Profile"] = accountName };
            CliOutput.Write(parse, summary, [summary], ("ACCOUNT", r => r.Text("AccountId")), ("NAME", r => r.Text("Name")), ("PROFILE", r => r.Text("Profile")));
            return 0;
        }));

        return new Command("account", "Accounts of this Irsa server") { create };
    }
}
