namespace E2EMessaging.Protocol.Tests;

/// <summary>A deterministic <see cref="IRandomSource"/> for tests: a seeded System.Random (not for real keys).</summary>
internal sealed class FixedRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination)
    {
        lock (_random)
        {
            _random.NextBytes(destination);
        }
    }
}
