namespace E2EMessaging.Protocol.Spqr;

/// <summary>
/// One piece of an erasure-coded SPQR message: the evaluation point <see cref="Index"/> and 32 bytes holding
/// the 16 lanes' values at that point, each big-endian (see <see cref="PolynomialEncoder"/>).
/// </summary>
internal readonly struct ErasureChunk
{
    public const int DataLength = 32;

    private readonly byte[]? _data;

    public ErasureChunk(ushort index, ReadOnlySpan<byte> data)
    {
        if (data.Length != DataLength)
        {
            throw new ArgumentException($"A chunk holds exactly {DataLength} bytes.", nameof(data));
        }

        Index = index;
        _data = data.ToArray();
    }

    public ushort Index { get; }

    public ReadOnlySpan<byte> Data => _data ?? ZeroData;

    private static readonly byte[] ZeroData = new byte[DataLength];
}
