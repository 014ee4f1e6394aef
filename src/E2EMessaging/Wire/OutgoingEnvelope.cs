using E2EMessaging.Protocol;

namespace E2EMessaging.Wire;

/// <summary>
/// One recipient device's part of a submit: its address, the registration id the sender's session has for it (so
/// the relay can tell a re-registered device), the ciphertext's type and the ciphertext. For a group message every
/// member device's part carries the same sender-key ciphertext, which travels once.
/// </summary>
public sealed class OutgoingEnvelope
{
    /// <summary>Creates one device's part.</summary>
    /// <exception cref="ArgumentException">The ciphertext is empty or over <see cref="WireLimits.MaxCiphertextLength"/>, or the account id is over its limit.</exception>
    public OutgoingEnvelope(ProtocolAddress recipient, uint registrationId, EnvelopeType type, ReadOnlyMemory<byte> ciphertext)
    {
        WireCodec.CheckAddressForWrite(recipient, nameof(recipient));
        if (!WireCodec.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), "Unknown envelope type.");
        }

        WireCodec.AsArgument(() => WireCodec.CheckCiphertext(ciphertext.Length, "outgoing"), nameof(ciphertext));
        Recipient = recipient;
        RegistrationId = registrationId;
        Type = type;
        Ciphertext = ciphertext;
    }

    /// <summary>The recipient device.</summary>
    public ProtocolAddress Recipient { get; }

    /// <summary>The recipient device's registration id as the sender knows it.</summary>
    public uint RegistrationId { get; }

    /// <summary>The ciphertext's kind.</summary>
    public EnvelopeType Type { get; }

    /// <summary>The Signal ciphertext for this device (or the group's shared sender-key ciphertext).</summary>
    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>Names only.</summary>
    public override string ToString() => $"OutgoingEnvelope({Type} -> {Recipient})";
}
