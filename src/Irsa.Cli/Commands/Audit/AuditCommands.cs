using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Irsa.Cli.Commands.Audit;

/// <summary>
/// <c>irsa audit lookup|tail|explain|verify</c>: the CloudTrail trail for people, over Irsa's awsJson extensions
/// (<c>Irsa_20261201.*</c>, authorized by <c>cloudtrail:LookupEvents</c>), and the file verifier, which needs no server.
/// </summary>
internal static class AuditCommands
{
    public const string LookupTarget = "Irsa_20261201.LookupAuditRecords";
    public const string ExplainTarget = "Irsa_20261201.ExplainRequest";

    /// <summary>The table of <c>lookup</c> and <c>tail</c>: time, event, who, pod, error.</summary>
    internal static readonly (string, Func<JsonObject, string?>)[] Columns =
    [
        ("TIME", r => Time(r)),
        ("EVENT", r => r.Text("EventName")),
        ("WHO", r => r.Text("Username") ?? r.Text("AccessKeyId")),
        ("POD", r => r.Text("PodName") is { } pod ? $"{r.Text("Namespace")}/{pod}" : null),
        ("ERROR", r => r.Text("ErrorCode")),
        ("REQUEST ID", r => r.Text("RequestId")),
    ];

    public static Command Create()
    {
        var audit = new Command("audit", "Read and verify the CloudTrail trail of every AWS call");
        audit.Subcommands.Add(LookupCommand.Create());
        audit.Subcommands.Add(TailCommand.Create());
        audit.Subcommands.Add(ExplainCommand.Create());
        audit.Subcommands.Add(VerifyCommand.Create());
        return audit;
    }

    /// <summary>An event's time (epoch seconds on the wire) as ISO 8601 UTC.</summary>
    internal static string? Time(JsonObject record) =>
        record["EventTime"] is JsonValue value && value.TryGetValue<long>(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;

    /// <summary>An ISO 8601 time option, read as UTC unless it names its offset.</summary>
    internal static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description + " (ISO 8601, e.g. 2026-12-01T08:00:00Z)",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                return time;
            }

            result.AddError($"{name}: '{text}' is not a time (ISO 8601, e.g. 2026-12-01T08:00:00Z)");
            return null;
        },
    };
}

/// <summary>The filters <c>lookup</c> and <c>tail</c> share, as the request members of <c>LookupAuditRecords</c>.</summary>
internal sealed class AuditFilterOptions
{
    private readonly Option<string?> _cluster = new("--cluster") { Description = "Cluster name" };
    private readonly Option<string?> _namespace = new("--namespace") { Description = "Pod namespace" };
    private readonly Option<string?> _serviceAccount = new("--service-account") { Description = "Service account" };
    private readonly Option<string?> _pod = new("--pod") { Description = "Pod name or uid" };
    private readonly Option<string?> _role = new("--role") { Description = "Role ARN" };
    private readonly Option<string?> _accessKey = new("--access-key") { Description = "Access key id the calls were signed with" };
    private readonly Option<string?> _eventName = new("--event-name") { Description = "Operation (AssumeRoleWithWebIdentity, GetCallerIdentity, …)" };
    private readonly Option<bool> _errors = new("--errors") { Description = "Only failed calls" };
    private readonly Option<string?> _errorCode = new("--error-code") { Description = "Only calls that failed with this code" };
    private readonly Option<DateTimeOffset?> _from = AuditCommands.TimeOption("--from", "Calls at or after this time");
    private readonly Option<DateTimeOffset?> _to = AuditCommands.TimeOption("--to", "Calls at or before this time");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _cluster, _namespace, _serviceAccount, _pod, _role, _accessKey, _eventName, _errors, _errorCode, _from, _to })
        {
            command.Options.Add(option);
        }
    }

    public JsonObject Request(ParseResult parse)
    {
        var request = new JsonObject();
        void Set(string member, string? value)
        {
            if (value is not null)
            {
                request[member] = value;
            }
        }

        Set("Cluster", parse.GetValue(_cluster));
        Set("Namespace", parse.GetValue(_namespace));
        Set("ServiceAccount", parse.GetValue(_serviceAccount));
        Set("Pod", parse.GetValue(_pod));
        Set("RoleArn", parse.GetValue(_role));
        Set("AccessKeyId", parse.GetValue(_accessKey));
        Set("EventName", parse.GetValue(_eventName));
        Set("ErrorCode", parse.GetValue(_errorCode));
        if (parse.GetValue(_errors))
        {
            request["ErrorsOnly"] = true;
        }

        if (parse.GetValue(_from) is { } from)
        {
            request["StartTime"] = from.ToUnixTimeSeconds();
        }

        if (parse.GetValue(_to) is { } to)
        {
            request["EndTime"] = to.ToUnixTimeSeconds();
        }

        return request;
    }
}

/// <summary><c>irsa audit lookup [filters] [--limit N]</c>: matching calls, newest first.</summary>
internal static class LookupCommand
{
    public static Command Create()
    {
        var filters = new AuditFilterOptions();
        var limit = new Option<int>("--limit") { Description = "At most this many calls (1–1000)", DefaultValueFactory = _ => 50 };
        var command = new Command("lookup", "List recorded AWS calls, newest first: time, event, who, pod, error") { limit };
        filters.AddTo(command);
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var request = filters.Request(parse);
            request["MaxResults"] = parse.GetValue(limit);
            var response = await client.JsonAsync("cloudtrail", AuditCommands.LookupTarget, request, ct);
            var records = response["Records"]!.AsArray().Select(r => (JsonObject)r!).ToList();
            CliOutput.Write(parse, response, records, AuditCommands.Columns);
            return 0;
        }));
        return command;
    }
}

/// <summary><c>irsa audit tail [--follow] [filters]</c>: the latest calls, oldest first, then new ones as they are recorded.</summary>
internal static class TailCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var filters = new AuditFilterOptions();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new calls until interrupted (Ctrl-C)" };
        var lines = new Option<int>("--lines", "-n") { Description = "How many recent calls to print first (1–1000)", DefaultValueFactory = _ => 10 };
        var command = new Command("tail", "Print the latest recorded calls; with --follow, keep printing new ones") { follow, lines };
        filters.AddTo(command);
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = CliEnvironment.Client(parse);
            var json = parse.GetValue(CliOptions.Output) == "json";
            var request = filters.Request(parse);
            request["MaxResults"] = parse.GetValue(lines);
            var latest = (await client.JsonAsync("cloudtrail", AuditCommands.LookupTarget, request, ct))["Records"]!.AsArray()
                .Select(r => (JsonObject)r!).Reverse().ToList();
            var printer = new TailPrinter(json);
            printer.Print(latest);
            if (!parse.GetValue(follow))
            {
                return 0;
            }

            // Follow by sequence number: whatever was appended after the last printed call, oldest first, never twice.
            var after = latest.Select(r => r["Sequence"]!.GetValue<long>()).DefaultIfEmpty(0).Max();
            request["MaxResults"] = 1000;
            while (true)
            {
                request["AfterSequence"] = after;
                var next = (await client.JsonAsync("cloudtrail", AuditCommands.LookupTarget, request, ct))["Records"]!.AsArray()
                    .Select(r => (JsonObject)r!).ToList();
                printer.Print(next);
                if (next.Count > 0)
                {
                    after = next[^1]["Sequence"]!.GetValue<long>();
                    continue;
                }

                await Task.Delay(PollInterval, ct);
            }
        }));
        return command;
    }

    /// <summary>One line per call: JSON Lines with <c>--output json</c>, else the table's columns (header once).</summary>
    private sealed class TailPrinter(bool json)
    {
        private bool _headerPrinted;

        public void Print(IReadOnlyList<JsonObject> records)
        {
            foreach (var record in records)
            {
                if (json)
                {
                    Console.WriteLine(record.ToJsonString());
                    continue;
                }

                if (!_headerPrinted)
                {
                    Console.WriteLine(string.Join("  ", AuditCommands.Columns.Select(c => c.Item1)));
                    _headerPrinted = true;
                }

                Console.WriteLine(string.Join("  ", AuditCommands.Columns.Select(c => c.Item2(record) ?? "-")));
            }

            Console.Out.Flush();
        }
    }
}
