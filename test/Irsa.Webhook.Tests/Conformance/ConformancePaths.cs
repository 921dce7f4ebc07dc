namespace Irsa.Webhook.Tests.Conformance;

/// <summary>
/// Locates upstream's test data for the differential check. It lives next to the repository (never copied into it):
/// walk up from the test binaries to the folder holding <c>Irsa.slnx</c>, then
/// <c>../shared/conformance/pod-identity-webhook</c>. A clone alone does not have it; Irsa's own cases are in
/// <c>Fixtures/</c>.
/// </summary>
internal static class ConformancePaths
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Irsa.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Irsa.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PodIdentityWebhook =>
        Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "conformance", "pod-identity-webhook"));

    public static bool IsPresent => Directory.Exists(PodIdentityWebhook);

    /// <summary>Why the upstream tests are skipped, or null when the data is there (they then run and can fail).</summary>
    public static string? SkipReason => IsPresent
        ? null
        : "differential check against upstream's pod-identity-webhook data: ../shared/conformance/pod-identity-webhook is not beside this clone";
}
