using System.Security.Cryptography;

namespace E2EMessaging.Protocol;

/// <summary>
/// Where the library gets its randomness. Inject your own to make tests and simulations deterministic;
/// in production use <see cref="SystemRandomSource.Instance"/>, the operating system's CSPRNG.
/// Implementations must be safe to call from several threads at once.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's cryptographically secure random number generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    private SystemRandomSource()
    {
    }

    /// <summary>The one instance.</summary>
    public static SystemRandomSource Instance { get; } = new();

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
