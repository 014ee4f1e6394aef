using E2EMessaging.Protocol.Spqr;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace E2EMessaging.Protocol.Tests.Spqr;

/// <summary>
/// Two braids under random schedules — both directions, loss, duplication, reordering — never fail, always agree
/// on every epoch secret they both emit, emit them one epoch at a time, and keep making progress once the
/// channel behaves; persisting and reloading the state at every step changes nothing observable.
/// </summary>
public sealed class BraidPropertyTests
{
    [Fact]
    public void Lockstep_exchange_agrees_on_every_epoch()
    {
        var simulation = new BraidSimulation(seed: 1, roundTripStates: false);
        simulation.Heal(epochs: 6);
        simulation.AssertAgreement();
        Assert.True(simulation.A.LastEpoch >= 6 && simulation.B.LastEpoch >= 6);

        // Epochs alternate roles: A decapsulates the odd ones, B the even ones, and each side has all of them.
        Assert.Equal(Enumerable.Range(1, (int)simulation.A.LastEpoch).Select(i => (ulong)i), simulation.A.Secrets.Keys.Order());
        Assert.Equal(Enumerable.Range(1, (int)simulation.B.LastEpoch).Select(i => (ulong)i), simulation.B.Secrets.Keys.Order());
    }

    [Property(MaxTest = 25)]
    public void Random_schedules_agree_and_heal(int seed, PositiveInt steps, byte loss, byte duplicates)
    {
        var simulation = new BraidSimulation(seed, roundTripStates: false);
        simulation.RunChaos(50 + (steps.Get % 600), loss % 60, duplicates % 40);
        simulation.AssertAgreement();
        ulong before = Math.Max(simulation.A.LastEpoch, simulation.B.LastEpoch);
        simulation.Heal(epochs: 2);
        simulation.AssertAgreement();
        Assert.True(simulation.A.LastEpoch >= before + 2, $"A stuck at {simulation.A.LastEpoch}");
        Assert.True(simulation.B.LastEpoch >= before + 2, $"B stuck at {simulation.B.LastEpoch}");
    }

    [Property(MaxTest = 10)]
    public void Persisting_and_reloading_at_every_step_changes_nothing(int seed, PositiveInt steps)
    {
        var plain = new BraidSimulation(seed, roundTripStates: false);
        var reloaded = new BraidSimulation(seed, roundTripStates: true);
        foreach (BraidSimulation simulation in new[] { plain, reloaded })
        {
            simulation.RunChaos(50 + (steps.Get % 400), 20, 10);
            simulation.Heal(epochs: 1);
        }

        Assert.Equal(plain.Trace.Count, reloaded.Trace.Count);
        for (int i = 0; i < plain.Trace.Count; i++)
        {
            Assert.Equal(plain.Trace[i], reloaded.Trace[i]);
        }

        reloaded.AssertAgreement();
    }

    [Fact]
    public void Send_is_deterministic_for_a_given_random_source_and_leaves_the_braid_alone()
    {
        Braid a = Braid.InitA(BraidSimulation.AuthKey);
        BraidSendResult first = a.Send(new FixedRandom(9));
        BraidSendResult second = a.Send(new FixedRandom(9));
        Assert.Equal(first.Message.Serialize(0), second.Message.Serialize(0));
        Assert.Equal(first.Next.ToProto(), second.Next.ToProto());
        Assert.Equal(Proto.Spqr.BraidState.StateOneofCase.KeysUnsampled, a.ToProto().StateCase);
    }
}
