using System.Buffers.Binary;
using E2EMessaging.Protocol;
using E2EMessaging.Wire;

namespace E2EMessaging;

/// <summary>
/// Mints <see cref="ClientMessageId"/>s: UUIDv7 from an injected clock and random source, strictly increasing per
/// generator even when the clock stands still or steps back (RFC 9562 §6.2 method 2: the 74 random bits are
/// incremented as a counter, carrying into the timestamp). Read watermarks rely on that order. Safe to call from
/// several threads at once (one lock per generator, none shared).
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
    private bool _started;

    /// <summary>Creates a generator over the given clock and randomness (the system's when null).</summary>
    public ClientMessageIdGenerator(TimeProvider? timeProvider = null, IRandomSource? random = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? SystemRandomSource.Instance;
    }

    /// <summary>A new id, greater than every id this generator returned before.</summary>
    public ClientMessageId Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.Fill(bytes[6..]);
        ulong randA = BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]) & 0xFFFUL;
        ulong randB = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) & ((1UL << 62) - 1);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        ulong timestamp = now < 0 ? 0 : Math.Min((ulong)now, MaxTimestamp);
        lock (_gate)
        {
            if (_started && timestamp <= _lastTimestamp)
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

            _started = true;
            _lastTimestamp = timestamp;
            _lastRandA = randA;
            _lastRandB = randB;
        }

        BinaryPrimitives.WriteUInt64BigEndian(bytes, (timestamp << 16) | (0x7UL << 12) | randA);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (0b10UL << 62) | randB);
        return ClientMessageId.FromBytes(bytes);
    }
}
