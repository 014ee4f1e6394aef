namespace E2EMessaging.Protocol.Kem;

/// <summary>Which key generation hashing an ML-KEM core key pair follows.</summary>
internal enum MlKemVariant
{
    /// <summary>FIPS 203, Algorithm 13: (ρ, σ) = G(d || k), with the module rank k as a domain byte.</summary>
    Fips203,

    /// <summary>CRYSTALS-Kyber round 3: (ρ, σ) = G(d), no domain byte. Everything else in K-PKE is identical.</summary>
    Round3,
}
