namespace E2EMessaging.Protocol.Messages;

/// <summary>The kinds of ciphertext message, with libsignal's numbers (they travel in envelopes).</summary>
public enum CiphertextMessageType
{
    /// <summary>A <see cref="SignalMessage"/> on an established session.</summary>
    Whisper = 2,

    /// <summary>A <see cref="PreKeySignalMessage"/>: a <see cref="SignalMessage"/> plus what the recipient needs to start the session.</summary>
    PreKey = 3,

    /// <summary>A sender-key (group) message.</summary>
    SenderKey = 7,

    /// <summary>Unencrypted content (libsignal uses it for decryption-error receipts).</summary>
    Plaintext = 8,
}
