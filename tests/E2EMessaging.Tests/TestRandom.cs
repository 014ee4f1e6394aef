using E2EMessaging.Protocol;

namespace E2EMessaging.Tests;

/// <summary>A deterministic <see cref="IRandomSource"/> for tests: a seeded System.Random (not for real keys).</summary>
internal sealed class TestRandom(int seed) : IRandomSource
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
