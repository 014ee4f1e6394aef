namespace E2EMessaging.Wire;

/// <summary>What kind of Signal message an envelope's ciphertext is: the recipient picks its decryptor from this.</summary>
public enum EnvelopeType
{
    /// <summary>A <c>PreKeySignalMessage</c>: the first messages of a 1:1 session (PQXDH).</summary>
    PreKey = 1,

    /// <summary>A <c>SignalMessage</c>: a 1:1 session message (Double Ratchet).</summary>
    Whisper = 2,

    /// <summary>A <c>SenderKeyMessage</c>: a group message, one ciphertext copied to every member device.</summary>
    SenderKey = 3,

    /// <summary>An unencrypted protocol-level notice (such as a request to resend after a decryption failure); never user content.</summary>
    PlaintextReceipt = 4,
}
