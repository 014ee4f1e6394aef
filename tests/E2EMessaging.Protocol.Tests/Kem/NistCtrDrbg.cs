using System.Security.Cryptography;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>
/// The AES-256 CTR DRBG of the NIST PQC KAT generator (rng.c: randombytes_init with no personalization string,
/// randombytes), which produced the round-3 Kyber known answers. Test-only; written from the rng.c behaviour:
/// Update(data) encrypts V+1, V+2, V+3 into 48 bytes, XORs data in, and takes Key || V from the result;
/// Generate encrypts successive V+1 blocks and then runs Update with no data.
/// </summary>
internal sealed class NistCtrDrbg : IRandomSource, IDisposable
{
    private readonly Aes _aes = Aes.Create();
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _v = new byte[16];

    public NistCtrDrbg(ReadOnlySpan<byte> entropy)
    {
        if (entropy.Length != 48)
        {
            throw new ArgumentException("The DRBG seed is 48 bytes.", nameof(entropy));
        }

        _aes.Key = _key;
        Update(entropy);
    }

    public void Fill(Span<byte> destination)
    {
        Span<byte> block = stackalloc byte[16];
        while (destination.Length > 0)
        {
            IncrementV();
            _aes.EncryptEcb(_v, block, PaddingMode.None);
            int take = Math.Min(16, destination.Length);
            block.Slice(0, take).CopyTo(destination);
            destination = destination.Slice(take);
        }

        Update([]);
    }

    public void Dispose() => _aes.Dispose();

    private void Update(ReadOnlySpan<byte> providedData)
    {
        Span<byte> temp = stackalloc byte[48];
        for (int i = 0; i < 3; i++)
        {
            IncrementV();
            _aes.EncryptEcb(_v, temp.Slice(16 * i, 16), PaddingMode.None);
        }

        for (int i = 0; i < providedData.Length; i++)
        {
            temp[i] ^= providedData[i];
        }

        temp.Slice(0, 32).CopyTo(_key);
        temp.Slice(32, 16).CopyTo(_v);
        _aes.Key = _key;
    }

    private void IncrementV()
    {
        for (int j = 15; j >= 0; j--)
        {
            if (++_v[j] != 0)
            {
                break;
            }
        }
    }
}
