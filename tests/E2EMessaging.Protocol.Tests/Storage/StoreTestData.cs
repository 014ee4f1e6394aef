using System.Security.Cryptography;
using E2EMessaging.Protocol.Proto.Storage;
using E2EMessaging.Protocol.Sessions;
using Google.Protobuf;

namespace E2EMessaging.Protocol.Tests.Storage;

/// <summary>Inputs for the store contract tests.</summary>
public static class StoreTestData
{
    /// <summary>
    /// A session record with a current state that carries some fields (version 4, a random root key, the given
    /// registration id) and one archived state, so that round trips and copies have something to compare.
    /// </summary>
    public static SessionRecord Session(uint localRegistrationId)
    {
        var current = new SessionStructure
        {
            SessionVersion = 4,
            RootKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            LocalRegistrationId = localRegistrationId,
            RemoteRegistrationId = localRegistrationId + 1,
            PreviousCounter = 3,
        };
        var archived = new SessionStructure { SessionVersion = 4, RootKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) };
        var record = new RecordStructure { CurrentSession = current };
        record.PreviousSessions.Add(archived.ToByteString());
        return SessionRecord.Deserialize(record.ToByteArray());
    }

    /// <summary>An address for index <paramref name="i"/>, spread over names and device ids.</summary>
    public static ProtocolAddress Address(int i) => new($"user-{i / 3}", (uint)(i % 3) + 1);

    /// <summary>A token that is already canceled.</summary>
    public static CancellationToken Canceled => new(canceled: true);
}
