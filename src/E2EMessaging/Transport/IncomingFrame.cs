using E2EMessaging.Wire;

namespace E2EMessaging.Transport;

/// <summary>What the relay pushed.</summary>
public enum IncomingFrameKind
{
    /// <summary>An envelope from this device's inbox (see <see cref="IncomingFrame.Envelope"/>), with its server sequence.</summary>
    Envelope = 1,

    /// <summary>Every envelope stored when the connection authenticated has been sent; what follows arrived later.</summary>
    QueueEmpty,

    /// <summary>The relay's pool of this device's one-time prekeys is low (see <see cref="IncomingFrame.PreKeyCounts"/>): upload more.</summary>
    PreKeysLow,
}

/// <summary>One frame the relay pushed to this device.</summary>
public sealed class IncomingFrame
{
    private IncomingFrame(IncomingFrameKind kind, Envelope? envelope, PreKeyCounts? counts)
    {
        Kind = kind;
        Envelope = envelope;
        PreKeyCounts = counts;
    }

    /// <summary>The frame's kind.</summary>
    public IncomingFrameKind Kind { get; }

    /// <summary>For <see cref="IncomingFrameKind.Envelope"/>: the envelope, whose <see cref="Envelope.ServerSequence"/> is set.</summary>
    public Envelope? Envelope { get; }

    /// <summary>For <see cref="IncomingFrameKind.PreKeysLow"/>: what is left.</summary>
    public PreKeyCounts? PreKeyCounts { get; }

    /// <summary>The queue-empty marker.</summary>
    public static IncomingFrame QueueEmpty { get; } = new(IncomingFrameKind.QueueEmpty, null, null);

    /// <summary>A delivered envelope.</summary>
    /// <exception cref="ArgumentException">The envelope has no server sequence.</exception>
    public static IncomingFrame ForEnvelope(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.ServerSequence is null)
        {
            throw new ArgumentException("A delivered envelope has a server sequence.", nameof(envelope));
        }

        return new(IncomingFrameKind.Envelope, envelope, null);
    }

    /// <summary>A low-prekeys notice.</summary>
    public static IncomingFrame ForPreKeysLow(PreKeyCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return new(IncomingFrameKind.PreKeysLow, null, counts);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        IncomingFrameKind.Envelope => $"IncomingFrame({Envelope})",
        IncomingFrameKind.PreKeysLow => $"IncomingFrame({PreKeyCounts})",
        _ => "IncomingFrame(QueueEmpty)",
    };
}
