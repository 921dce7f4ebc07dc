// Entry point: pick benchmark classes with --filter, e.g.
//   dotnet run -c Release --project bench/Irsa.Benchmarks -- --filter '*Policy*'
using BenchmarkDotNet.Running;
using Irsa.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
