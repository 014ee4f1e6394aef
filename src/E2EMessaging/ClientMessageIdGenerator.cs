using System.Buffers.Binary;
using E2EMessaging.Protocol;

namespace E2EMessaging;

/// <summary>
/// Mints <see cref="ClientMessageId"/>s: UUIDv7 from an injected clock and random source, strictly increasing per
/// generator even when the clock stands still or steps back (RFC 9562 §6.2 method 2: the 74 random bits are
/// incremented as a counter, carrying into the timestamp). Safe to call from several threads at once.
/// </summary>
public sealed class ClientMessageIdGenerator
{
    private const ulong MaxTimestamp = (1UL << 48) - 1;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly Lock _gate = new();
    private ulong _lastTimestamp;
    private ulong _lastRandA;
    private ulong _lastRandB;

    /// <summary>Creates a generator over the given clock and randomness (the system's when null).</summary>
    public ClientMessageIdGenerator(TimeProvider? timeProvider = null, IRandomSource? random = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>A new id, greater than every id this generator returned before.</summary>
    public ClientMessageId Next()
    {
        Span<byte> randomBytes = stackalloc byte[10];
        _random.Fill(randomBytes);
        ulong randA = BinaryPrimitives.ReadUInt16BigEndian(randomBytes) & 0xFFFUL;
        ulong randB = BinaryPrimitives.ReadUInt64BigEndian(randomBytes[2..]) & ((1UL << 62) - 1);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong timestamp = now < 0 ? 0 : Math.Min((ulong)now, MaxTimestamp);
        lock (_gate)
        {
            if (timestamp <= _lastTimestamp && (_lastTimestamp | _lastRandA | _lastRandB) != 0)
            {
                // Same millisecond or a clock step back: continue from the last id, one step up.
                timestamp = _lastTimestamp;
                randA = _lastRandA;
                randB = _lastRandB + 1;
                if (randB >> 62 != 0)
                {
                    randB = 0;
                    randA++;
                    if (randA > 0xFFF)
                    {
                        randA = 0;
                        timestamp++;
                    }
                }
            }

            _lastTimestamp = timestamp;
            _lastRandA = randA;
            _lastRandB = randB;
        }

        ulong high = (timestamp << 16) | (0x7UL << 12) | randA;
        ulong low = (0b10UL << 62) | randB;
        return new ClientMessageId(high, low);
    }
}
