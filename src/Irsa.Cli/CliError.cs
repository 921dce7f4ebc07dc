using System.ComponentModel;

namespace Irsa.Cli;

/// <summary>A failure to report to the user as one clear line (never a stack trace) with a non-zero exit code.</summary>
internal class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Runs a verb's body, turning failures into one line, <c>irsa: message</c>, on stderr.</summary>
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
            return await FailAsync(error.Message, error.ExitCode);
        }
        catch (HttpRequestException error)
        {
            return await FailAsync("cannot reach the Irsa server: " + error.Message);
        }
        catch (Win32Exception error)
        {
            // Process.Start: the command of 'pod run' does not exist or is not executable.
            return await FailAsync("cannot run the command: " + error.Message);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
#pragma warning disable CA1031 // The last resort: whatever went wrong, the user gets one line, never a stack trace.
        catch (Exception error)
#pragma warning restore CA1031
        {
            // Bad paths, files, URLs and values surface as these platform exceptions, whose messages are clear enough;
            // anything else is named too, for a bug report.
            var plain = error is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException
                or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException or NotSupportedException;
            return await FailAsync(plain ? error.Message : $"{error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>The text on one line, whatever it holds (server bodies, multi-line platform messages).</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static async Task<int> FailAsync(string message, int exitCode = 1)
    {
        await Console.Error.WriteLineAsync(OneLine("irsa: " + message));
        return exitCode;
    }
}
