using BenchmarkDotNet.Attributes;
using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Benchmarks;

/// <summary>
/// Post-quantum KEM cost per operation (round-3 Kyber-1024, what PQXDH uses, is in <see cref="PrimitiveBenchmarks"/>):
/// our FIPS 203 ML-KEM-1024 core on fixed seeds (BouncyCastle 2.7.0's ML-KEM-1024 runs beside it in
/// <see cref="PrimitiveBenchmarks"/>; Kyber adds two SHA3-256 hashes and a SHAKE256 over 64 bytes), and our
/// ML-KEM-768 encapsulation and decapsulation (what SPQR uses).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class KemBenchmarks
{
    private readonly byte[] _d = new byte[32];
    private readonly byte[] _z = new byte[32];
    private readonly byte[] _m = new byte[32];
    private readonly byte[] _sharedSecret = new byte[32];

    private readonly byte[] _ek1024 = new byte[MlKemParameters.MlKem1024.EncapsulationKeyLength];
    private readonly byte[] _dk1024 = new byte[MlKemParameters.MlKem1024.DecapsulationKeyLength];
    private readonly byte[] _ct1024 = new byte[MlKemParameters.MlKem1024.CiphertextLength];

    private readonly byte[] _ek768 = new byte[MlKemParameters.MlKem768.EncapsulationKeyLength];
    private readonly byte[] _dk768 = new byte[MlKemParameters.MlKem768.DecapsulationKeyLength];
    private readonly byte[] _ct768 = new byte[MlKemParameters.MlKem768.CiphertextLength];


    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        random.NextBytes(_d);
        random.NextBytes(_z);
        random.NextBytes(_m);

        MlKem.GenerateKeyPair(MlKemParameters.MlKem1024, _d, _z, _ek1024, _dk1024, MlKemVariant.Fips203);
        MlKem.Encapsulate(MlKemParameters.MlKem1024, _ek1024, _m, _ct1024, _sharedSecret);

        MlKem.GenerateKeyPair(MlKemParameters.MlKem768, _d, _z, _ek768, _dk768, MlKemVariant.Fips203);
        MlKem.Encapsulate(MlKemParameters.MlKem768, _ek768, _m, _ct768, _sharedSecret);

    }

    [Benchmark(Description = "ML-KEM-1024 keygen (ours)")]
    public void MlKem1024KeyGen() => MlKem.GenerateKeyPair(MlKemParameters.MlKem1024, _d, _z, _ek1024, _dk1024, MlKemVariant.Fips203);

    [Benchmark(Description = "ML-KEM-1024 encaps (ours)")]
    public void MlKem1024Encapsulate() => MlKem.Encapsulate(MlKemParameters.MlKem1024, _ek1024, _m, _ct1024, _sharedSecret);

    [Benchmark(Description = "ML-KEM-1024 decaps (ours)")]
    public void MlKem1024Decapsulate() => MlKem.Decapsulate(MlKemParameters.MlKem1024, _dk1024, _ct1024, _sharedSecret);

    [Benchmark(Description = "ML-KEM-768 encaps (ours)")]
    public void MlKem768Encapsulate() => MlKem.Encapsulate(MlKemParameters.MlKem768, _ek768, _m, _ct768, _sharedSecret);

    [Benchmark(Description = "ML-KEM-768 decaps (ours)")]
    public void MlKem768Decapsulate() => MlKem.Decapsulate(MlKemParameters.MlKem768, _dk768, _ct768, _sharedSecret);
}
