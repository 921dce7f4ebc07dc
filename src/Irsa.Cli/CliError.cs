namespace Irsa.Cli;

/// <summary>A failure to report to the user as one clear line (never a stack trace) with a non-zero exit code.</summary>
internal class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Runs a verb's body, turning expected failures into <c>irsa: message</c> on stderr.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliError error)
        {
            await Console.Error.WriteLineAsync("irsa: " + error.Message);
            return error.ExitCode;
        }
        catch (HttpRequestException error)
        {
            await Console.Error.WriteLineAsync("irsa: cannot reach the Irsa server: " + error.Message);
            return 1;
        }
        catch (InvalidOperationException error)
        {
            await Console.Error.WriteLineAsync("irsa: " + error.Message);
            return 1;
        }
        catch (IOException error)
        {
            await Console.Error.WriteLineAsync("irsa: " + error.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }
}
