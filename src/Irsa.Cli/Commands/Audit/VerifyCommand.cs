using System.CommandLine;
using System.Globalization;
using Irsa.Audit.Journal;
using Irsa.Audit.Verification;
using Irsa.Server.Hosting;

namespace Irsa.Cli.Commands.Audit;

/// <summary>
/// <c>irsa audit verify [--from --to] [--data DIR]</c>: checks the trail's log and digest files as
/// <c>aws cloudtrail validate-logs</c> checks a bucket, reading the data folder directly, so it works with the server
/// stopped. Exit 0 when everything is valid, 1 otherwise.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var from = AuditCommands.TimeOption("--from", "Start of the range (default: the oldest digest kept)");
        var to = AuditCommands.TimeOption("--to", "End of the range (default: now)");
        var verbose = new Option<bool>("--verbose") { Description = "Also print each valid file" };
        var command = new Command("verify", "Verify the trail's log and digest files (signatures, hashes, chain), like aws cloudtrail validate-logs")
        {
            from, to, verbose,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var folder = new DataDirectory(CliEnvironment.DataDirectory(parse)).CloudTrail;
            if (!File.Exists(Path.Combine(folder, "journal.db")))
            {
                throw new CliError($"no audit trail in {folder}: start 'irsa up' with this data folder first");
            }

            var end = parse.GetValue(to) ?? DateTimeOffset.UtcNow;
            // From the oldest kept digest by default: older ones may have been pruned by retention, which is no tampering.
            var start = parse.GetValue(from) ?? AuditTrail.OldestDigestStart(folder) ?? end;
            if (start > end)
            {
                throw new CliError("--from is after --to");
            }

            Console.WriteLine($"Validating log files for trail irsa in {folder} between {Iso(start)} and {Iso(end)}");
            Console.WriteLine();
            var report = await AuditVerifier.VerifyAsync(folder, start, end, ct);
            if (parse.GetValue(verbose))
            {
                foreach (var line in report.Valid)
                {
                    Console.WriteLine(line);
                }
            }

            // As validate-logs: problems on stderr, the summary on stdout.
            foreach (var problem in report.Problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }

            Console.WriteLine();
            foreach (var line in report.Summary())
            {
                Console.WriteLine(line);
            }

            if (report.ValidDigests + report.InvalidDigests == 0)
            {
                Console.WriteLine("No digest files in the range.");
            }

            return report.IsValid ? 0 : 1;
        }));
        return command;
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
