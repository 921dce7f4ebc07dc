using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Irsa.Benchmarks;

/// <summary>
/// The one configuration every benchmark class runs with: allocations are always reported, and the job is short
/// enough for a small shared machine while still taking several measured iterations, each long enough
/// (250 ms) to average out scheduler noise. Benchmarks run in process: the default toolchain rebuilds every
/// referenced project in a separate folder for each run, which costs minutes on a small machine and measures
/// nothing more (the process is already a Release build, and MemoryDiagnoser works in process). Results are
/// read as ratios to the baseline of the same class in the same run, never as absolute times compared across
/// runs.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("Short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
}
