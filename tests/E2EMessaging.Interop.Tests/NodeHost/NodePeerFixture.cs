using Xunit;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>
/// One libsignal Node peer shared by every test class in the <c>"libsignal"</c> collection.
/// If the peer cannot be installed or started, every test in the collection fails with the reason.
/// </summary>
public sealed class NodePeerFixture : IAsyncLifetime
{
    private NodePeer? _peer;

    internal NodePeer Peer => _peer ?? throw new InvalidOperationException("The libsignal Node peer has not been started.");

    public async Task InitializeAsync() => _peer = await NodePeer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
            _peer = null;
        }
    }
}

/// <summary>Test classes that talk to the real libsignal: <c>[Collection(LibsignalCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class LibsignalCollection : ICollectionFixture<NodePeerFixture>
{
    public const string Name = "libsignal";
}
