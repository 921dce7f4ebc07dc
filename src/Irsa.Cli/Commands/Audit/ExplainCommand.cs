using System.CommandLine;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Audit;

/// <summary>
/// <c>irsa audit explain REQUEST_ID</c>: why a call failed, in plain words with the policy lines involved (the caller
/// only saw AWS's terse error), or that it succeeded.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var requestId = new Argument<string>("request-id") { Description = "The x-amzn-RequestId of the call (irsa audit lookup shows it)" };
        var command = new Command("explain", "Explain why a recorded AWS call failed") { requestId };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var response = await client.JsonAsync("cloudtrail", AuditCommands.ExplainTarget, new JsonObject { ["RequestId"] = parse.GetValue(requestId) }, ct);
            if (parse.GetValue(CliOptions.Output) == "json")
            {
                CliOutput.Write(parse, response, []);
                return 0;
            }

            var record = (JsonObject)response["Record"]!;
            var cloudTrail = JsonNode.Parse(record.Text("CloudTrailEvent") ?? "{}");
            var who = record.Text("Username") ?? record.Text("AccessKeyId") ?? "an unauthenticated caller";
            var pod = record.Text("PodName") is { } name ? $" (pod {record.Text("Namespace")}/{name} in cluster {record.Text("Cluster")})" : "";
            var call = $"{record.Text("EventName")} by {who}{pod} at {AuditCommands.Time(record)}";
            if (record.Text("ErrorCode") is not { } error)
            {
                Console.WriteLine($"{call} succeeded.");
                return 0;
            }

            Console.WriteLine($"{call} failed: {error}: {cloudTrail.Text("errorMessage")}");
            Console.WriteLine();
            Console.Write(response.Text("ExplanationText") ?? "No explanation was recorded beyond the error above.\n");
            return 0;
        }));
        return command;
    }
}
