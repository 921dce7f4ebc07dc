namespace Irsa.Webhook.Tests.Conformance;

// xunit 2 has no dynamic skip: setting Skip when the attribute is built reports these tests as skipped, with the
// reason, where upstream's data is absent (a plain clone), instead of failing or silently passing. Where the data is
// present they run like any test, and a missing case file then fails.

/// <summary>A fact over upstream's conformance data: skipped, with the reason, where that data is not beside the clone.</summary>
public sealed class UpstreamFactAttribute : FactAttribute
{
    public UpstreamFactAttribute() => Skip = ConformancePaths.SkipReason;
}

/// <summary>A theory over upstream's conformance data: skipped, with the reason, where that data is not beside the clone.</summary>
public sealed class UpstreamTheoryAttribute : TheoryAttribute
{
    public UpstreamTheoryAttribute() => Skip = ConformancePaths.SkipReason;
}
