using E2EMessaging.Protocol.Sessions;

namespace E2EMessaging.Protocol.Storage;

/// <summary>The session record for each address this device talks to.</summary>
/// <remarks>
/// Rules every implementation keeps (the contract tests check them):
/// <list type="bullet">
/// <item><see cref="LoadSessionAsync"/> returns null for an unknown address, and otherwise a record equal to the last one stored
/// — a fresh object each time (callers mutate what they load), never one shared with another caller.</item>
/// <item><see cref="StoreSessionAsync"/> is durable when it returns; the library serializes calls for the same address,
/// so the store needs no lock of its own beyond what its backend needs.</item>
/// </list>
/// </remarks>
public interface ISessionStore
{
    /// <summary>The record for <paramref name="address"/>, or null when there is none.</summary>
    ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record for <paramref name="address"/>.</summary>
    ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default);
}
