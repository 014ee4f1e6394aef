using E2EMessaging.Protocol;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task A_registered_device_authenticates_with_its_identity_key()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice", connect: false);
        await alice.ConnectAsync();
        Assert.Equal(alice.Address, alice.Transport.Connection!.Device);
    }

    [Fact]
    public async Task Another_devices_key_cannot_authenticate_as_it()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice mallory = await harness.RegisterAsync("mallory");
        await using LoopbackTransportScope scope = new(harness);

        // Mallory signs a fresh challenge with her own key but claims to be Alice.
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.AuthenticateAsync(alice.Address, mallory.Identity));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
        Assert.Null(scope.Transport.Connection!.Device);
    }

    [Fact]
    public async Task A_challenge_answers_one_attempt_only()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        await using LoopbackTransportScope scope = new(harness);
        ReadOnlyMemory<byte> challenge = await scope.Transport.GetChallengeAsync();
        byte[] wrong = DeviceAuthentication.Sign(alice.Identity.PrivateKey, alice.Address, new byte[WireLimits.ChallengeLength]);
        byte[] right = DeviceAuthentication.Sign(alice.Identity.PrivateKey, alice.Address, challenge.Span);

        // A failed attempt uses the challenge up: the right answer afterwards is too late.
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.AuthenticateAsync(alice.Address, wrong));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
        e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.AuthenticateAsync(alice.Address, right));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);

        // A recorded proof cannot be replayed on another connection.
        await using LoopbackTransportScope other = new(harness);
        _ = await other.Transport.GetChallengeAsync();
        e = await Assert.ThrowsAsync<MessagingException>(async () => await other.Transport.AuthenticateAsync(alice.Address, right));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
    }

    [Fact]
    public async Task A_signature_bound_to_one_device_does_not_authenticate_another_of_the_same_key()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        await using LoopbackTransportScope scope = new(harness);
        ReadOnlyMemory<byte> challenge = await scope.Transport.GetChallengeAsync();
        byte[] signature = DeviceAuthentication.Sign(alice.Identity.PrivateKey, new ProtocolAddress("alice", 2), challenge.Span);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.AuthenticateAsync(alice.Address, signature));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
    }

    [Fact]
    public async Task Unauthenticated_connections_can_do_nothing_but_prove_themselves()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        await alice.Transport.SubmitAsync(Submits.To([alice], Submits.Bytes("x"))); // (refused: to itself) — state unchanged below
        await using LoopbackTransportScope scope = new(harness);
        ITransport t = scope.Transport;

        async Task Refused(Func<Task> call)
        {
            MessagingException e = await Assert.ThrowsAsync<MessagingException>(call);
            Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
        }

        await Refused(async () => await t.SubmitAsync(Submits.To([alice], Submits.Bytes("spoof"))));
        await Refused(async () => await t.AcknowledgeAsync([1, 2, 3]));
        await Refused(async () => await t.FetchPreKeyBundlesAsync("alice"));
        await Refused(async () => await t.FetchDevicesAsync("alice"));
        await Refused(async () => await t.GetPreKeyCountsAsync());
        await Refused(async () => await t.LinkDeviceAsync(7, IdentityKeyPair.Generate().PublicKey));
        await Refused(async () => await t.UploadPreKeysAsync(new PreKeyUpload(null, null)));
        Assert.Equal(0, await harness.Inbox.CountAsync(alice.Address));
    }

    [Fact]
    public async Task Registering_an_existing_account_is_a_conflict_and_changes_nothing()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        await using LoopbackTransportScope scope = new(harness);
        using IdentityKeyPair impostor = IdentityKeyPair.Generate();
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.RegisterAccountAsync("alice", 5, impostor));
        Assert.Equal(MessagingErrorKind.Conflict, e.Kind);
        IReadOnlyList<DeviceInfo> devices = await alice.Transport.FetchDevicesAsync("alice");
        Assert.Equal(alice.Identity.PublicKey, Assert.Single(devices).IdentityKey);
    }

    [Fact]
    public async Task Registration_needs_proof_of_the_identity_key()
    {
        await using var harness = new RelayHarness();
        await using LoopbackTransportScope scope = new(harness);
        using IdentityKeyPair real = IdentityKeyPair.Generate();
        using IdentityKeyPair other = IdentityKeyPair.Generate();
        ReadOnlyMemory<byte> challenge = await scope.Transport.GetChallengeAsync();
        byte[] signature = DeviceAuthentication.Sign(other.PrivateKey, new ProtocolAddress("bob", 1), challenge.Span);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await scope.Transport.RegisterAccountAsync("bob", 9, real.PublicKey, signature));
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);
    }

    [Fact]
    public async Task Linked_devices_appear_in_the_directory_and_authenticate_with_their_own_keys()
    {
        await using var harness = new RelayHarness();
        TestDevice phone = await harness.RegisterAsync("alice");
        TestDevice laptop = await harness.LinkAsync(phone);
        Assert.Equal(new ProtocolAddress("alice", 2), laptop.Address);
        IReadOnlyList<DeviceInfo> devices = await laptop.Transport.FetchDevicesAsync("alice");
        Assert.Equal([1u, 2u], devices.Select(d => d.DeviceId));
        Assert.Equal(laptop.RegistrationId, devices[1].RegistrationId);
    }

    [Fact]
    public async Task Unlinking_a_device_drops_its_inbox_and_closes_its_connection_and_ids_are_not_reused()
    {
        await using var harness = new RelayHarness();
        TestDevice phone = await harness.RegisterAsync("alice");
        TestDevice laptop = await harness.LinkAsync(phone, connect: false);
        TestDevice bob = await harness.RegisterAsync("bob");
        Assert.Equal(SubmitOutcome.Accepted, (await bob.Transport.SubmitAsync(Submits.To([phone, laptop], Submits.Bytes("hi")))).Outcome);
        Assert.Equal(1, await harness.Inbox.CountAsync(laptop.Address));

        await phone.Transport.UnlinkDeviceAsync(2);
        Assert.Equal(0, await harness.Inbox.CountAsync(laptop.Address));
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await laptop.ConnectAsync());
        Assert.Equal(MessagingErrorKind.Unauthenticated, e.Kind);

        TestDevice tablet = await harness.LinkAsync(phone);
        Assert.Equal(3u, tablet.Address.DeviceId);
    }

    [Fact]
    public async Task Registering_and_linking_are_safe_to_retry()
    {
        await using var harness = new RelayHarness();
        TestDevice phone = await harness.RegisterAsync("alice");

        // The same registration again (its answer was lost) authenticates instead of conflicting.
        await using LoopbackTransportScope again = new(harness);
        await again.Transport.RegisterAccountAsync("alice", phone.RegistrationId, phone.Identity);
        Assert.Equal(phone.Address, again.Transport.Connection!.Device);

        Assert.True(phone.Transport.Connection!.IsClosed); // one connection per device: the newer one replaced it

        // The same link twice names one device.
        using IdentityKeyPair laptop = IdentityKeyPair.Generate();
        ProtocolAddress first = await again.Transport.LinkDeviceAsync(77, laptop.PublicKey);
        ProtocolAddress second = await again.Transport.LinkDeviceAsync(77, laptop.PublicKey);
        Assert.Equal(first, second);
        Assert.Equal(2, (await again.Transport.FetchDevicesAsync("alice")).Count);
    }

    /// <summary>A bare connected, unauthenticated transport.</summary>
    private sealed class LoopbackTransportScope : IAsyncDisposable
    {
        public LoopbackTransportScope(RelayHarness harness)
        {
            Transport = harness.NewTransport();
            Transport.ConnectAsync().AsTask().GetAwaiter().GetResult();
        }

        public E2EMessaging.Relay.Loopback.LoopbackTransport Transport { get; }

        public ValueTask DisposeAsync() => Transport.DisposeAsync();
    }
}
