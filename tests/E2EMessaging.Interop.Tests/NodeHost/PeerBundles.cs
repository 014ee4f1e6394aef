using System.Text.Json;
using E2EMessaging.Protocol.Keys;
using E2EMessaging.Protocol.PreKeys;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>Converting the peer's 11 prekey bundle fields (as `partyBundle` and `makeBundle` return them).</summary>
internal static class PeerBundles
{
    /// <summary>Our <see cref="PreKeyBundle"/> from the peer's fields (which verifies both signatures).</summary>
    public static PreKeyBundle ToBundle(JsonElement b) => new(
        (uint)b.GetInt32("registrationId"),
        (uint)b.GetInt32("deviceId"),
        b.GetProperty("preKeyId").ValueKind == JsonValueKind.Null ? null : (uint)b.GetInt32("preKeyId"),
        b.GetProperty("preKeyPublic").ValueKind == JsonValueKind.Null ? null : PublicKey.Deserialize(b.GetBytes("preKeyPublic")),
        (uint)b.GetInt32("signedPreKeyId"),
        PublicKey.Deserialize(b.GetBytes("signedPreKeyPublic")),
        b.GetBytes("signedPreKeySignature"),
        PublicKey.Deserialize(b.GetBytes("identityKey")),
        (uint)b.GetInt32("kyberPreKeyId"),
        KyberPublicKey.Deserialize(b.GetBytes("kyberPreKeyPublic")),
        b.GetBytes("kyberPreKeySignature"));

    /// <summary>The bundle's fields plus a party name and the remote address: the arguments of `partyProcessBundle`.</summary>
    public static Dictionary<string, object?> WithBundle(JsonElement bundle, string name, string remoteName, int remoteDeviceId)
    {
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in bundle.EnumerateObject())
        {
            args[property.Name] = property.Value.Clone();
        }

        args["name"] = name;
        args["remoteName"] = remoteName;
        args["remoteDeviceId"] = remoteDeviceId;
        return args;
    }
}
