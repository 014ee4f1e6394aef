using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Wire;

namespace E2EMessaging.Transport;

/// <summary>The challenge–signature handshakes in one call each.</summary>
public static class TransportExtensions
{
    /// <summary>Fetches a challenge, signs it with <paramref name="identity"/> and authenticates as <paramref name="device"/>.</summary>
    public static async ValueTask AuthenticateAsync(this ITransport transport, ProtocolAddress device, IdentityKeyPair identity, IRandomSource? random = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(identity);
        ReadOnlyMemory<byte> challenge = await transport.GetChallengeAsync(cancellationToken).ConfigureAwait(false);
        byte[] signature = DeviceAuthentication.Sign(identity.PrivateKey, device, challenge.Span, random);
        await transport.AuthenticateAsync(device, signature, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fetches a challenge and registers a new account whose device 1 is <paramref name="identity"/>; returns device 1's address.</summary>
    public static async ValueTask<ProtocolAddress> RegisterAccountAsync(this ITransport transport, string account, uint registrationId, IdentityKeyPair identity, IRandomSource? random = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(identity);
        var device = new ProtocolAddress(account, 1);
        ReadOnlyMemory<byte> challenge = await transport.GetChallengeAsync(cancellationToken).ConfigureAwait(false);
        byte[] signature = DeviceAuthentication.Sign(identity.PrivateKey, device, challenge.Span, random);
        await transport.RegisterAccountAsync(account, registrationId, identity.PublicKey, signature, cancellationToken).ConfigureAwait(false);
        return device;
    }
}
