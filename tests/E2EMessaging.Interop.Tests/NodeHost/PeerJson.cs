using System.Text.Json;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>Reads the peer's results: byte arrays come back as base64 strings.</summary>
internal static class PeerJson
{
    /// <summary>The base64 string property <paramref name="name"/>, decoded.</summary>
    public static byte[] GetBytes(this JsonElement element, string name) => element.GetProperty(name).AsBytes();

    /// <summary>The base64 string property <paramref name="name"/>, decoded; <c>null</c> if it is JSON null or absent.</summary>
    public static byte[]? GetBytesOrNull(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.AsBytes() : null;

    /// <summary>The array property <paramref name="name"/> of base64 strings, decoded.</summary>
    public static byte[][] GetBytesArray(this JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(AsBytes)];

    /// <summary>This element (a base64 string), decoded.</summary>
    public static byte[] AsBytes(this JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new InvalidOperationException($"Expected a base64 string from the peer, got {element.ValueKind}: {element}");
        }

        return element.GetBytesFromBase64();
    }

    public static string GetString(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"Peer result property '{name}' is null.");

    public static int GetInt32(this JsonElement element, string name) => element.GetProperty(name).GetInt32();

    public static long GetInt64(this JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static bool GetBoolean(this JsonElement element, string name) => element.GetProperty(name).GetBoolean();

    /// <summary>The array property <paramref name="name"/> of booleans.</summary>
    public static bool[] GetBooleanArray(this JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetBoolean())];
}
