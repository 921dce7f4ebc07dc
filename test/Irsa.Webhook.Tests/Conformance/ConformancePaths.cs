namespace Irsa.Webhook.Tests.Conformance;

/// <summary>
/// Locates the shared upstream test data. It lives next to the repository (never copied into it):
/// walk up from the test binaries to the folder holding <c>Irsa.slnx</c>, then
/// <c>../shared/conformance/pod-identity-webhook</c>.
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

    /// <summary>Fails (never skips) when the data is missing, so a broken checkout cannot pass silently.</summary>
    public static string RequireFolder()
    {
        var folder = PodIdentityWebhook;
        Assert.True(Directory.Exists(folder), $"Conformance data folder is missing: {folder}");
        return folder;
    }
}
