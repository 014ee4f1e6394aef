namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// An ML-KEM parameter set (FIPS 203, section 8, Table 2) and the byte lengths that follow from it (Table 3).
/// </summary>
internal sealed class MlKemParameters
{
    /// <summary>Bytes of one polynomial encoded with 12 bits per coefficient (ByteEncode_12).</summary>
    public const int EncodedPolynomialLength = 384;

    /// <summary>Bytes of the seeds d, z, ρ, σ, of the message m and of the hash H(ek).</summary>
    public const int SeedLength = 32;

    /// <summary>Bytes of the shared key K.</summary>
    public const int SharedKeyLength = 32;

    /// <summary>Bytes of the encapsulation key header ρ || H(ek) that the first half of a split encapsulation needs.</summary>
    public const int HeaderLength = 2 * SeedLength;

    private MlKemParameters(string name, int k, int eta1, int eta2, int du, int dv)
    {
        Name = name;
        K = k;
        Eta1 = eta1;
        Eta2 = eta2;
        Du = du;
        Dv = dv;
    }

    /// <summary>ML-KEM-512: k = 2, η1 = 3, η2 = 2, du = 10, dv = 4.</summary>
    public static MlKemParameters MlKem512 { get; } = new("ML-KEM-512", 2, 3, 2, 10, 4);

    /// <summary>ML-KEM-768: k = 3, η1 = 2, η2 = 2, du = 10, dv = 4.</summary>
    public static MlKemParameters MlKem768 { get; } = new("ML-KEM-768", 3, 2, 2, 10, 4);

    /// <summary>ML-KEM-1024 (and round-3 Kyber-1024): k = 4, η1 = 2, η2 = 2, du = 11, dv = 5.</summary>
    public static MlKemParameters MlKem1024 { get; } = new("ML-KEM-1024", 4, 2, 2, 11, 5);

    /// <summary>The parameter set's name, e.g. "ML-KEM-768".</summary>
    public string Name { get; }

    /// <summary>Module rank: the number of polynomials in a vector.</summary>
    public int K { get; }

    /// <summary>CBD width of the secret s, the error e and the encryption randomness r.</summary>
    public int Eta1 { get; }

    /// <summary>CBD width of the encryption errors e1 and e2.</summary>
    public int Eta2 { get; }

    /// <summary>Bits per coefficient of the compressed u.</summary>
    public int Du { get; }

    /// <summary>Bits per coefficient of the compressed v.</summary>
    public int Dv { get; }

    /// <summary>Bytes of the encoded t̂ in an encapsulation key: 384·k.</summary>
    public int EncodedVectorLength => EncodedPolynomialLength * K;

    /// <summary>Bytes of an encapsulation key: 384·k + 32.</summary>
    public int EncapsulationKeyLength => EncodedVectorLength + SeedLength;

    /// <summary>Bytes of a decapsulation key: 768·k + 96.</summary>
    public int DecapsulationKeyLength => (2 * EncodedVectorLength) + (3 * SeedLength);

    /// <summary>Bytes of the first ciphertext part, the compressed u: 32·du·k.</summary>
    public int Ciphertext1Length => 32 * Du * K;

    /// <summary>Bytes of the second ciphertext part, the compressed v: 32·dv.</summary>
    public int Ciphertext2Length => 32 * Dv;

    /// <summary>Bytes of a ciphertext: 32·(du·k + dv).</summary>
    public int CiphertextLength => Ciphertext1Length + Ciphertext2Length;

    /// <inheritdoc />
    public override string ToString() => Name;
}
