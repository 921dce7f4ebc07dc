namespace Irsa.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that needs root (network namespaces, other users). xunit 2 has no dynamic skip: the reason is set when the
/// attribute is built, so the test is reported as skipped, with why, only when not running as root (CI runs as root).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: creates a network namespace or runs a process as another user";
        }
    }
}
