using System.Collections.Concurrent;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;
using E2EMessaging.Relay.Tests.Infrastructure;
using E2EMessaging.Transport;
using E2EMessaging.Wire;
using Xunit;

namespace E2EMessaging.Relay.Tests.Relay;

public sealed class PreKeyTests
{
    [Fact]
    public async Task Bundles_are_verified_and_consume_one_time_prekeys_then_fall_back_to_the_last_resort_kyber_key()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", preKeys: 2);

        PreKeyBundle first = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob"));
        PreKeyBundle second = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob", 1));
        PreKeyBundle third = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob"));
        PreKeyBundle fourth = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob"));

        Assert.Equal(bob.Identity.PublicKey, first.IdentityKey);
        Assert.Equal(bob.RegistrationId, first.RegistrationId);
        Assert.Equal([1u, 2u], new[] { first.PreKeyId!.Value, second.PreKeyId!.Value });
        Assert.Equal([1u, 2u], new[] { first.KyberPreKeyId, second.KyberPreKeyId });
        Assert.Null(third.PreKeyId);
        Assert.Equal(10_000u, third.KyberPreKeyId); // last resort, reused
        Assert.Equal(10_000u, fourth.KyberPreKeyId);
        Assert.Equal(new PreKeyCounts(0, 0).ToString(), (await bob.Transport.GetPreKeyCountsAsync()).ToString());
    }

    [Fact]
    public async Task Nobody_can_drain_another_accounts_one_time_prekeys()
    {
        await using var harness = new RelayHarness(o => o.MaxFetchesOfOneAccountPerWindow = 3);
        TestDevice mallory = await harness.RegisterAsync("mallory");
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", preKeys: 20);

        for (int i = 0; i < 3; i++)
        {
            Assert.Single(await mallory.Transport.FetchPreKeyBundlesAsync("bob"));
        }

        var refused = await Assert.ThrowsAsync<MessagingException>(async () => await mallory.Transport.FetchPreKeyBundlesAsync("bob"));
        Assert.Equal(MessagingErrorKind.RateLimited, refused.Kind);
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(17, (await bob.Transport.GetPreKeyCountsAsync()).OneTimePreKeys); // the refusal took nothing

        // Others are unaffected, and the limit is per window.
        Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob"));
        harness.Clock.Advance(RelayLimits.DefaultRateLimitWindow);
        Assert.Single(await mallory.Transport.FetchPreKeyBundlesAsync("bob"));
    }

    [Fact]
    public async Task The_owner_is_told_when_its_pool_runs_low()
    {
        await using var harness = new RelayHarness(); // threshold 2 in the harness
        TestDevice alice = await harness.RegisterAsync("alice");
        TestDevice bob = await harness.RegisterAsync("bob", preKeys: 3);
        await bob.DrainAsync();
        await alice.Transport.FetchPreKeyBundlesAsync("bob");
        await alice.Transport.FetchPreKeyBundlesAsync("bob");
        IncomingFrame notice = await bob.NextFrameAsync();
        Assert.Equal(IncomingFrameKind.PreKeysLow, notice.Kind);
        Assert.Equal(1, notice.PreKeyCounts!.OneTimePreKeys);

        await bob.UploadPreKeysAsync(5, includeSigned: false);
        PreKeyCounts counts = await bob.Transport.GetPreKeyCountsAsync();
        Assert.Equal(6, counts.OneTimePreKeys);
        Assert.Equal(6, counts.OneTimeKyberPreKeys);
    }

    [Fact]
    public async Task An_upload_with_a_bad_signature_is_refused_and_changes_nothing()
    {
        await using var harness = new RelayHarness();
        TestDevice bob = await harness.RegisterAsync("bob", preKeys: 1);
        using IdentityKeyPair stranger = IdentityKeyPair.Generate();
        using SignedPreKeyRecord forged = SignedPreKeyRecord.Generate(2, 0, stranger);
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await bob.Transport.UploadPreKeysAsync(PreKeyUpload.From(forged, null)));
        Assert.Equal(MessagingErrorKind.InvalidSignature, e.Kind);
        using KyberPreKeyRecord forgedKyber = KyberPreKeyRecord.Generate(3, 0, stranger);
        e = await Assert.ThrowsAsync<MessagingException>(async () => await bob.Transport.UploadPreKeysAsync(PreKeyUpload.From(null, null, null, [forgedKyber])));
        Assert.Equal(MessagingErrorKind.InvalidSignature, e.Kind);

        TestDevice alice = await harness.RegisterAsync("alice");
        PreKeyBundle bundle = Assert.Single(await alice.Transport.FetchPreKeyBundlesAsync("bob"));
        Assert.Equal(1u, bundle.SignedPreKeyId);
        Assert.Equal(1u, bundle.KyberPreKeyId);
    }

    [Fact]
    public async Task Concurrent_fetchers_never_get_the_same_one_time_prekey()
    {
        // Far more fetches of one account than the drain limit allows: this test is about atomic consumption.
        await using var harness = new RelayHarness(o => o.MaxFetchesOfOneAccountPerWindow = 1_000);
        TestDevice bob = await harness.RegisterAsync("bob", preKeys: 0);
        for (int i = 0; i < 3; i++)
        {
            await bob.UploadPreKeysAsync(50, includeSigned: i == 0); // 150 one-time keys of each kind
        }

        var fetchers = new List<TestDevice>();
        for (int i = 0; i < 8; i++)
        {
            fetchers.Add(await harness.RegisterAsync($"fetcher{i}", preKeys: 0));
        }

        var ec = new ConcurrentBag<uint>();
        var kyber = new ConcurrentBag<uint>();
        await Task.WhenAll(fetchers.Select(f => Task.Run(async () =>
        {
            for (int i = 0; i < 25; i++) // 200 fetches for 150 keys
            {
                PreKeyBundle bundle = Assert.Single(await f.Transport.FetchPreKeyBundlesAsync("bob"));
                if (bundle.PreKeyId is { } id)
                {
                    ec.Add(id);
                }

                if (bundle.KyberPreKeyId != 10_000)
                {
                    kyber.Add(bundle.KyberPreKeyId);
                }
            }
        })));

        Assert.Equal(150, ec.Count);
        Assert.Equal(150, ec.Distinct().Count());
        Assert.Equal(150, kyber.Count);
        Assert.Equal(150, kyber.Distinct().Count());
    }

    [Fact]
    public async Task Fetching_an_unknown_account_or_device_is_not_found()
    {
        await using var harness = new RelayHarness();
        TestDevice alice = await harness.RegisterAsync("alice");
        MessagingException e = await Assert.ThrowsAsync<MessagingException>(async () => await alice.Transport.FetchPreKeyBundlesAsync("nobody"));
        Assert.Equal(MessagingErrorKind.NotFound, e.Kind);
        e = await Assert.ThrowsAsync<MessagingException>(async () => await alice.Transport.FetchPreKeyBundlesAsync("alice", 5));
        Assert.Equal(MessagingErrorKind.NotFound, e.Kind);
        e = await Assert.ThrowsAsync<MessagingException>(async () => await alice.Transport.FetchDevicesAsync("nobody"));
        Assert.Equal(MessagingErrorKind.NotFound, e.Kind);
    }
}
