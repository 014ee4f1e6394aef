using E2EMessaging.Protocol;
using Proto = E2EMessaging.Proto;

namespace E2EMessaging.Wire;

/// <summary>How the relay answered a submit.</summary>
public enum SubmitOutcome
{
    /// <summary>Every envelope is persisted in its recipient device's inbox: tick 1. <see cref="SubmitResult.Receipts"/> has one entry per envelope.</summary>
    Accepted = 1,

    /// <summary>
    /// The client's device list for some recipient account is out of date. Nothing was stored. Fix the sessions
    /// (fetch bundles for the missing devices, drop the extra ones, rebuild the stale ones) and resubmit with the
    /// same ClientMessageId.
    /// </summary>
    DeviceMismatch,

    /// <summary>Refused for the reason in <see cref="SubmitResult.RefusalKind"/>. Nothing was stored.</summary>
    Refused,
}

/// <summary>
/// The relay's answer to a <see cref="SubmitRequest"/>: the persisted ack with a server sequence and time per
/// envelope (tick 1), or a device mismatch, or a typed refusal. A retry of an accepted submit (same id, same
/// content) gets the original ack again; the same id with different content is refused as
/// <see cref="MessagingErrorKind.ConflictingDuplicate"/>.
/// </summary>
public sealed class SubmitResult
{
    private static readonly IReadOnlyList<ProtocolAddress> NoDevices = [];
    private static readonly IReadOnlyList<EnvelopeReceipt> NoReceipts = [];

    private SubmitResult(
        SubmitOutcome outcome,
        IReadOnlyList<EnvelopeReceipt> receipts,
        IReadOnlyList<ProtocolAddress> missing,
        IReadOnlyList<ProtocolAddress> extra,
        IReadOnlyList<ProtocolAddress> stale,
        MessagingErrorKind? refusalKind,
        string? refusalMessage,
        TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Receipts = receipts;
        MissingDevices = missing;
        ExtraDevices = extra;
        StaleDevices = stale;
        RefusalKind = refusalKind;
        RefusalMessage = refusalMessage;
        RetryAfter = retryAfter;
    }

    /// <summary>Which of the three answers this is.</summary>
    public SubmitOutcome Outcome { get; }

    /// <summary>For <see cref="SubmitOutcome.Accepted"/>: where each envelope was persisted, in the submit's order.</summary>
    public IReadOnlyList<EnvelopeReceipt> Receipts { get; }

    /// <summary>For <see cref="SubmitOutcome.DeviceMismatch"/>: devices the relay knows that the submit left out.</summary>
    public IReadOnlyList<ProtocolAddress> MissingDevices { get; }

    /// <summary>For <see cref="SubmitOutcome.DeviceMismatch"/>: devices in the submit that the relay does not know (unlinked, or never existed).</summary>
    public IReadOnlyList<ProtocolAddress> ExtraDevices { get; }

    /// <summary>For <see cref="SubmitOutcome.DeviceMismatch"/>: devices whose registration id differs from the submit's (re-registered; the session is stale).</summary>
    public IReadOnlyList<ProtocolAddress> StaleDevices { get; }

    /// <summary>For <see cref="SubmitOutcome.Refused"/>: why.</summary>
    public MessagingErrorKind? RefusalKind { get; }

    /// <summary>For <see cref="SubmitOutcome.Refused"/>: a description naming identifiers only.</summary>
    public string? RefusalMessage { get; }

    /// <summary>For a refusal that may pass later (rate limited, inbox full): when to retry, if known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>An acceptance with one receipt per envelope.</summary>
    public static SubmitResult Accepted(IEnumerable<EnvelopeReceipt> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        return new(SubmitOutcome.Accepted, receipts.ToList().AsReadOnly(), NoDevices, NoDevices, NoDevices, null, null, null);
    }

    /// <summary>A device mismatch.</summary>
    public static SubmitResult Mismatch(IEnumerable<ProtocolAddress> missing, IEnumerable<ProtocolAddress> extra, IEnumerable<ProtocolAddress> stale)
    {
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentNullException.ThrowIfNull(stale);
        return new(SubmitOutcome.DeviceMismatch, NoReceipts, missing.ToList().AsReadOnly(), extra.ToList().AsReadOnly(), stale.ToList().AsReadOnly(), null, null, null);
    }

    /// <summary>A refusal.</summary>
    public static SubmitResult Refused(MessagingErrorKind kind, string message, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(SubmitOutcome.Refused, NoReceipts, NoDevices, NoDevices, NoDevices, kind, message, retryAfter);
    }

    /// <summary>The refusal as an exception (for callers that prefer to throw); null unless refused.</summary>
    public MessagingException? ToException() =>
        Outcome == SubmitOutcome.Refused ? new MessagingException(RefusalKind!.Value, RefusalMessage!, RetryAfter) : null;

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        SubmitOutcome.Accepted => $"Accepted({Receipts.Count} envelopes)",
        SubmitOutcome.DeviceMismatch => $"DeviceMismatch(missing {MissingDevices.Count}, extra {ExtraDevices.Count}, stale {StaleDevices.Count})",
        _ => $"Refused({RefusalKind})",
    };

    internal Proto.SubmitResult ToProto()
    {
        var proto = new Proto.SubmitResult();
        switch (Outcome)
        {
            case SubmitOutcome.Accepted:
                proto.Accepted = new Proto.SubmitAccepted();
                foreach (EnvelopeReceipt receipt in Receipts)
                {
                    proto.Accepted.Receipts.Add(new Proto.EnvelopeReceipt
                    {
                        Recipient = WireCodec.WriteAddress(receipt.Recipient),
                        ServerSequence = receipt.ServerSequence,
                        ServerTimestamp = WireCodec.WriteTime(receipt.ServerTimestamp),
                    });
                }

                break;
            case SubmitOutcome.DeviceMismatch:
                proto.Mismatch = new Proto.DeviceMismatch();
                proto.Mismatch.Missing.AddRange(MissingDevices.Select(WireCodec.WriteAddress));
                proto.Mismatch.Extra.AddRange(ExtraDevices.Select(WireCodec.WriteAddress));
                proto.Mismatch.Stale.AddRange(StaleDevices.Select(WireCodec.WriteAddress));
                break;
            default:
                proto.Refused = WireErrors.ToProto(RefusalKind!.Value, RefusalMessage!, RetryAfter);
                break;
        }

        return proto;
    }

    internal static SubmitResult FromProto(Proto.SubmitResult proto)
    {
        switch (proto.OutcomeCase)
        {
            case Proto.SubmitResult.OutcomeOneofCase.Accepted:
                if (proto.Accepted.Receipts.Count > WireLimits.MaxRecipientsPerSubmit)
                {
                    WireThrow.Kind(MessagingErrorKind.TooLarge, "A submit result has more receipts than a submit may have envelopes.");
                }

                return Accepted(proto.Accepted.Receipts.Select(r => new EnvelopeReceipt(
                    WireCodec.ReadAddress(r.Recipient, "receipt"),
                    r.ServerSequence,
                    WireCodec.ReadTime(r.ServerTimestamp, "server timestamp"))));
            case Proto.SubmitResult.OutcomeOneofCase.Mismatch:
                Proto.DeviceMismatch m = proto.Mismatch;
                if (m.Missing.Count + m.Extra.Count + m.Stale.Count > WireLimits.MaxRecipientsPerSubmit * 2)
                {
                    WireThrow.Kind(MessagingErrorKind.TooLarge, "A device mismatch names too many devices.");
                }

                return Mismatch(
                    m.Missing.Select(a => WireCodec.ReadAddress(a, "missing")),
                    m.Extra.Select(a => WireCodec.ReadAddress(a, "extra")),
                    m.Stale.Select(a => WireCodec.ReadAddress(a, "stale")));
            case Proto.SubmitResult.OutcomeOneofCase.Refused:
                (MessagingErrorKind kind, string message, TimeSpan? retryAfter) = WireErrors.FromProto(proto.Refused);
                return Refused(kind, message, retryAfter);
            default:
                return WireThrow.Invalid<SubmitResult>("A submit result has no outcome.");
        }
    }
}

/// <summary>Where the relay persisted one envelope of an accepted submit.</summary>
public sealed class EnvelopeReceipt
{
    /// <summary>Creates a receipt.</summary>
    public EnvelopeReceipt(ProtocolAddress recipient, ulong serverSequence, DateTimeOffset serverTimestamp)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        Recipient = recipient;
        ServerSequence = serverSequence;
        ServerTimestamp = serverTimestamp;
    }

    /// <summary>The recipient device.</summary>
    public ProtocolAddress Recipient { get; }

    /// <summary>The envelope's position in that device's inbox.</summary>
    public ulong ServerSequence { get; }

    /// <summary>When the relay persisted it (tick 1).</summary>
    public DateTimeOffset ServerTimestamp { get; }

    /// <inheritdoc />
    public override string ToString() => $"EnvelopeReceipt({Recipient}, seq {ServerSequence})";
}
