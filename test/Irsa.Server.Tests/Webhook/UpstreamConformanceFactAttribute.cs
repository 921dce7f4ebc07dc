using Irsa.Webhook.Tests.Conformance;

namespace Irsa.Server.Tests.Webhook;

/// <summary>
/// A fact over upstream's conformance data. xunit 2 has no dynamic skip: setting Skip when the attribute is built
/// reports the test as skipped, with the reason, in a clone without <c>../shared</c>, and runs it (able to fail) where
/// the data is.
/// </summary>
public sealed class UpstreamConformanceFactAttribute : FactAttribute
{
    public UpstreamConformanceFactAttribute()
    {
        Skip = ConformancePaths.SkipReason;
    }
}
