namespace E2EMessaging.Status;

/// <summary>
/// Where one message stands for one recipient device: the three ticks. A status only moves forward
/// (<see cref="Pending"/> → <see cref="Sent"/> → <see cref="Delivered"/> → <see cref="Read"/>); a later event
/// that would move it back (a late delivery receipt after the read receipt) is ignored.
/// </summary>
public enum DeliveryStatus
{
    /// <summary>In the outbox: not yet persisted by the relay.</summary>
    Pending = 0,

    /// <summary>Tick 1: the relay persisted it in the device's inbox.</summary>
    Sent = 1,

    /// <summary>Tick 2: the device decrypted and stored it, and said so end to end.</summary>
    Delivered = 2,

    /// <summary>Tick 3: the recipient opened the conversation.</summary>
    Read = 3,
}
