using System.Text.Json;
using E2EMessaging.Protocol.Kem;

namespace E2EMessaging.Protocol.Tests.Kem;

/// <summary>Loads the known-answer files under Kem/Vectors (see SOURCE.md there).</summary>
internal static class KemVectors
{
    private static readonly Lazy<JsonDocument> s_keyGen = new(() => Load("ML-KEM-keyGen-FIPS203.json"));
    private static readonly Lazy<JsonDocument> s_encapDecap = new(() => Load("ML-KEM-encapDecap-FIPS203.json"));
    private static readonly Lazy<IReadOnlyList<Dictionary<string, string>>> s_kyberKat = new(LoadKyberKat);

    /// <summary>NIST ACVP FIPS 203 ML-KEM keyGen vectors.</summary>
    public static JsonDocument KeyGen => s_keyGen.Value;

    /// <summary>NIST ACVP FIPS 203 ML-KEM encapDecap vectors.</summary>
    public static JsonDocument EncapDecap => s_encapDecap.Value;

    /// <summary>The 100 entries of the CRYSTALS-Kyber-1024 round-3 NIST KAT, PQCkemKAT_3168.rsp.</summary>
    public static IReadOnlyList<Dictionary<string, string>> KyberKat => s_kyberKat.Value;

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Kem", "Vectors", file);

    public static MlKemParameters Parameters(string parameterSet) => parameterSet switch
    {
        "ML-KEM-512" => MlKemParameters.MlKem512,
        "ML-KEM-768" => MlKemParameters.MlKem768,
        "ML-KEM-1024" => MlKemParameters.MlKem1024,
        _ => throw new ArgumentOutOfRangeException(nameof(parameterSet), parameterSet, null),
    };

    /// <summary>Every (group, test) pair of an ACVP file, with the group's function (or null).</summary>
    public static IEnumerable<(JsonElement Group, JsonElement Test)> Cases(JsonDocument document)
    {
        foreach (JsonElement group in document.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                yield return (group, test);
            }
        }
    }

    public static (JsonElement Group, JsonElement Test) Case(JsonDocument document, int tcId) =>
        Cases(document).Single(c => c.Test.GetProperty("tcId").GetInt32() == tcId);

    public static byte[] Bytes(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    private static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllBytes(PathOf(file)));

    private static List<Dictionary<string, string>> LoadKyberKat()
    {
        var entries = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (string line in File.ReadLines(PathOf("kyber1024-r3-PQCkemKAT_3168.rsp")))
        {
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }

            string key = line.Substring(0, eq);
            string value = line.Substring(eq + 3).Trim();
            if (key == "count")
            {
                current = new Dictionary<string, string>();
                entries.Add(current);
            }

            current![key] = value;
        }

        return entries;
    }
}
