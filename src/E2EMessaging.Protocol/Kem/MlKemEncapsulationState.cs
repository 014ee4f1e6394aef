using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Kem;

/// <summary>
/// What the second half of a split ML-KEM encapsulation needs from the first: the header ρ || H(ek), the
/// message m and the coins r of (K, r) = G(m || H(ek)). Owns those secrets and wipes them on
/// <see cref="Dispose"/>. 128 bytes plus the parameter set, so it is cheap to keep between calls.
/// </summary>
internal sealed class MlKemEncapsulationState : IDisposable
{
    private const int SeedLength = MlKemParameters.SeedLength;

    // ρ (32) || H(ek) (32) || m (32) || r (32). Pinned so that the GC never leaves copies behind.
    private byte[]? _secrets;

    internal MlKemEncapsulationState(MlKemParameters parameters, ReadOnlySpan<byte> header, ReadOnlySpan<byte> m, ReadOnlySpan<byte> coins)
    {
        Parameters = parameters;
        _secrets = GC.AllocateArray<byte>(4 * SeedLength, pinned: true);
        header.CopyTo(_secrets);
        m.CopyTo(_secrets.AsSpan(2 * SeedLength));
        coins.CopyTo(_secrets.AsSpan(3 * SeedLength));
    }

    /// <summary>The parameter set of the encapsulation.</summary>
    public MlKemParameters Parameters { get; }

    internal ReadOnlySpan<byte> Rho => Secrets.Slice(0, SeedLength);

    internal ReadOnlySpan<byte> HashEk => Secrets.Slice(SeedLength, SeedLength);

    internal ReadOnlySpan<byte> Message => Secrets.Slice(2 * SeedLength, SeedLength);

    internal ReadOnlySpan<byte> Coins => Secrets.Slice(3 * SeedLength, SeedLength);

    private ReadOnlySpan<byte> Secrets
    {
        get
        {
            if (_secrets is null)
            {
                ThrowHelper.ObjectDisposed(this);
            }

            return _secrets;
        }
    }

    /// <summary>Wipes the secrets. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_secrets is { } secrets)
        {
            CryptographicOperations.ZeroMemory(secrets);
            _secrets = null;
        }
    }

    /// <summary>The type name only: the state holds secrets.</summary>
    public override string ToString() => nameof(MlKemEncapsulationState);
}
