using E2EMessaging.Protocol.Storage;

namespace E2EMessaging.Protocol.Tests.Storage;

public sealed class InMemorySessionStoreTests : SessionStoreContract
{
    protected override ISessionStore CreateStore() => new InMemorySessionStore();
}
