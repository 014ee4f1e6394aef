using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace E2EMessaging.Benchmarks;

/// <summary>The one configuration every benchmark class shares: the default job plus allocation counts.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
