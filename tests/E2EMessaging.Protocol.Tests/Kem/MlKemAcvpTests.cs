using System.Text.Json;
using E2EMessaging.Protocol.Kem;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// NIST ACVP FIPS 203 vectors (ML-KEM-keyGen-FIPS203.json and ML-KEM-encapDecap-FIPS203.json, vsId 42, from the
/// ACVP-Server repository via kyber-py's assets): every group of ML-KEM-512, -768 and -1024 for
/// ML-KEM.KeyGen_internal, Encaps_internal and Decaps_internal, including the modified-ciphertext decapsulations.
/// </summary>
public sealed class MlKemAcvpTests
{
    public static TheoryData<int> KeyGenCases => Ids(KemVectors.KeyGen, null);

    public static TheoryData<int> EncapsulationCases => Ids(KemVectors.EncapDecap, "encapsulation");

    public static TheoryData<int> DecapsulationCases => Ids(KemVectors.EncapDecap, "decapsulation");

    [Theory]
    [MemberData(nameof(KeyGenCases))]
    public void KeyGen(int tcId)
    {
        (JsonElement group, JsonElement test) = KemVectors.Case(KemVectors.KeyGen, tcId);
        MlKemParameters p = KemVectors.Parameters(group.GetProperty("parameterSet").GetString()!);
        byte[] ek = new byte[p.EncapsulationKeyLength];
        byte[] dk = new byte[p.DecapsulationKeyLength];

        MlKem.GenerateKeyPair(p, KemVectors.Bytes(test, "d"), KemVectors.Bytes(test, "z"), ek, dk, MlKemVariant.Fips203);

        Assert.Equal(KemVectors.Bytes(test, "ek"), ek);
        Assert.Equal(KemVectors.Bytes(test, "dk"), dk);
        Assert.True(MlKem.IsValidEncapsulationKey(p, ek));
    }

    [Theory]
    [MemberData(nameof(EncapsulationCases))]
    public void Encapsulation(int tcId)
    {
        (JsonElement group, JsonElement test) = KemVectors.Case(KemVectors.EncapDecap, tcId);
        MlKemParameters p = KemVectors.Parameters(group.GetProperty("parameterSet").GetString()!);
        byte[] ciphertext = new byte[p.CiphertextLength];
        byte[] key = new byte[32];

        MlKem.Encapsulate(p, KemVectors.Bytes(test, "ek"), KemVectors.Bytes(test, "m"), ciphertext, key);

        Assert.Equal(KemVectors.Bytes(test, "c"), ciphertext);
        Assert.Equal(KemVectors.Bytes(test, "k"), key);

        // The same test's dk must decapsulate it.
        byte[] decapsulated = new byte[32];
        MlKem.Decapsulate(p, KemVectors.Bytes(test, "dk"), ciphertext, decapsulated);
        Assert.Equal(key, decapsulated);
    }

    [Theory]
    [MemberData(nameof(DecapsulationCases))]
    public void Decapsulation(int tcId)
    {
        (JsonElement group, JsonElement test) = KemVectors.Case(KemVectors.EncapDecap, tcId);
        MlKemParameters p = KemVectors.Parameters(group.GetProperty("parameterSet").GetString()!);
        byte[] key = new byte[32];

        MlKem.Decapsulate(p, KemVectors.Bytes(group, "dk"), KemVectors.Bytes(test, "c"), key);

        Assert.Equal(KemVectors.Bytes(test, "k"), key);
    }

    [Fact]
    public void EveryParameterSetAndTheRejectionPathAreCovered()
    {
        var sets = KemVectors.Cases(KemVectors.EncapDecap)
            .Select(c => c.Group.GetProperty("parameterSet").GetString()!)
            .Concat(KemVectors.Cases(KemVectors.KeyGen).Select(c => c.Group.GetProperty("parameterSet").GetString()!))
            .Distinct()
            .Order()
            .ToArray();
        Assert.Equal(new[] { "ML-KEM-1024", "ML-KEM-512", "ML-KEM-768" }, sets);

        int modified = KemVectors.Cases(KemVectors.EncapDecap)
            .Count(c => c.Test.TryGetProperty("reason", out JsonElement reason) && reason.GetString() != "no modification"
                && c.Group.GetProperty("function").GetString() == "decapsulation");
        Assert.True(modified > 0);
    }

    private static TheoryData<int> Ids(JsonDocument document, string? function)
    {
        var data = new TheoryData<int>();
        foreach ((JsonElement group, JsonElement test) in KemVectors.Cases(document))
        {
            if (function is null || group.GetProperty("function").GetString() == function)
            {
                data.Add(test.GetProperty("tcId").GetInt32());
            }
        }

        return data;
    }
}
