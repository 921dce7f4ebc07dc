namespace Irsa.Audit.Tests;

/// <summary>The test assembly's entry point: the test runner never calls it; the kill -9 test runs it as a child process.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args) =>
        args is ["crash-writer", var directory, var masterKey] ? await CrashWriter.RunAsync(directory, masterKey) : 2;
}
