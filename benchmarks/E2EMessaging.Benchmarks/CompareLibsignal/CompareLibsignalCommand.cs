using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace E2EMessaging.Benchmarks.CompareLibsignal;

/// <summary>
/// Our half of benchmarks/compare-libsignal (see its README): the three session and two group workloads of libsignal-bench.mjs,
/// timed the same way (warm-up, then a fixed duration of individually timed iterations), then each workload's
/// floor, measured in the same process. Not BenchmarkDotNet: it has to finish in seconds.
/// <code>
/// compare-libsignal [--json FILE] [--duration-ms 3000] [--warmup-ms 1000] [--only name[,name]]
///                   [--floor-duration-ms 500] [--floor-warmup-ms 200]
/// </code>
/// The durations default to the environment's BENCH_DURATION_MS and BENCH_WARMUP_MS (which run.sh also hands to the
/// Node side), else 3000 and 1000. The JSON is <c>{"&lt;workload&gt;": {opsPerSec, meanMicros, p50Micros, n}, ...,
/// "floors": {"&lt;workload&gt;": µs}, "_meta": {...}}</c>; a summary goes to stdout.
/// </summary>
internal static class CompareLibsignalCommand
{
    private static readonly string[] WorkloadNames = ["session-setup", "encrypt-decrypt-160", "ping-pong", "group-160", "group-4096"];

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["session-setup"] = "bundle bytes parsed + processPreKeyBundle + first encrypt (PreKey message, 160 bytes) + its decrypt; fresh one-time prekey each time (untimed)",
        ["encrypt-decrypt-160"] = "encrypt + decrypt of 160 bytes alice -> bob on an established chain (no DH ratchet step)",
        ["ping-pong"] = "directions alternate, so every message starts a new chain (DH ratchet step); one encrypt + decrypt per turn",
        ["group-160"] = "group message of 160 bytes: alice's GroupCipher encrypt + serialize, bob's parse + decrypt, on a sender key distributed once; the chain advances every message",
        ["group-4096"] = "group message of 4096 bytes: alice's GroupCipher encrypt + serialize, bob's parse + decrypt, on a sender key distributed once; the chain advances every message",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"compare-libsignal: {e.Message}");
            return 2;
        }

        var output = new JsonObject();
        var sizes = new JsonObject();
        var macInputLengths = new Dictionary<string, int>();
        var groupSignedLengths = new Dictionary<string, int>();
        var results = new Dictionary<string, Harness.Measurement>();
        foreach (string name in options.Only)
        {
            Log($"{name} (warm-up {options.WarmupMs} ms, then {options.DurationMs} ms timed)...");
            Harness.Measurement measured;
            if (name.StartsWith("group-", StringComparison.Ordinal))
            {
                GroupWorkload group = await GroupWorkload.CreateAsync(GroupSize(name));
                measured = await MeasureAsync(group, options);
                groupSignedLengths[name] = group.SignedLength;
                (int senderRecord, int receiverRecord) = await group.RecordSizesAsync();
                sizes[name] = new JsonObject
                {
                    ["message"] = group.LastMessage.Length,
                    ["signedBody"] = group.SignedLength,
                    ["aliceSenderKeyRecord"] = senderRecord,
                    ["bobSenderKeyRecord"] = receiverRecord,
                };
            }
            else
            {
                (measured, SessionParty alice, SessionParty bob, int macInputLength, int messageLength) = name switch
                {
                    "session-setup" => await RunWorkloadAsync(await SessionSetupWorkload.CreateAsync(), options),
                    "encrypt-decrypt-160" => await RunWorkloadAsync(await ChainWorkload.CreateAsync(), options),
                    _ => await RunWorkloadAsync(await PingPongWorkload.CreateAsync(), options),
                };
                macInputLengths[name] = macInputLength;
                sizes[name] = new JsonObject
                {
                    [name == "session-setup" ? "preKeyMessage" : "message"] = messageLength,
                    ["aliceSessionRecord"] = alice.Sessions.Size(bob.Address),
                    ["bobSessionRecord"] = bob.Sessions.Size(alice.Address),
                };
                alice.Dispose();
                bob.Dispose();
            }

            results[name] = measured;
            output[name] = new JsonObject
            {
                ["opsPerSec"] = Math.Round(measured.OpsPerSec, 1),
                ["meanMicros"] = Math.Round(measured.MeanMicros, 2),
                ["p50Micros"] = Math.Round(measured.P50Micros, 2),
                ["n"] = measured.N,
            };
            Log($"  {measured.MeanMicros:F2} us/op over {measured.N} ops");
        }

        // The floors, in the same process: the MAC inputs and the signed group-message bodies as long as the workloads'
        // own (defaults, or one group message on a fresh sender key, if a workload was skipped).
        foreach (string name in WorkloadNames.Where(n => n.StartsWith("group-", StringComparison.Ordinal) && !groupSignedLengths.ContainsKey(n)))
        {
            groupSignedLengths[name] = await GroupWorkload.SignedLengthAsync(GroupSize(name));
        }

        Log($"floors: each primitive {options.FloorWarmupMs} ms warm-up, then {options.FloorDurationMs} ms timed...");
        Floors floors = Floors.Measure(
            options.FloorWarmupMs,
            options.FloorDurationMs,
            macInputLengths.GetValueOrDefault("session-setup", 66 + 261),
            macInputLengths.GetValueOrDefault("encrypt-decrypt-160", 66 + 216),
            groupSignedLengths["group-160"],
            groupSignedLengths["group-4096"],
            message => Log($"  {message}"));

        var floorsJson = new JsonObject();
        var countsJson = new JsonObject();
        foreach (string name in WorkloadNames)
        {
            floorsJson[name] = Math.Round(floors.Of(name), 2);
            var counts = new JsonObject();
            foreach ((string primitive, int count) in Floors.Counts[name])
            {
                counts[primitive] = count;
            }

            countsJson[name] = counts;
        }

        output["floors"] = floorsJson;
        var primitivesJson = new JsonObject();
        foreach ((string primitive, double micros) in floors.Micros)
        {
            primitivesJson[primitive] = Math.Round(micros, 3);
        }

        output["_meta"] = new JsonObject
        {
            ["implementation"] = $"E2EMessaging ({System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}/{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores)",
            ["durationMs"] = options.DurationMs,
            ["warmupMs"] = options.WarmupMs,
            ["stores"] = "in-memory, holding serialized bytes: SessionRecord.Serialize() on every store and SessionRecord.Deserialize() on every load (also prekey records; SenderKeyRecord likewise on both sides of the group workloads), as a real host does",
            ["spqr"] = "run: both sides run SPQR (the triple ratchet) in every 1:1 message, as libsignal 0.103 requires; group messages have no SPQR on either side",
            ["timed"] = "protocol work only; minting bob's one-time prekey, clearing stores and checking plaintexts are untimed",
            ["workloads"] = new JsonObject(WorkloadNames.Where(options.Only.Contains).Select(n => KeyValuePair.Create(n, (JsonNode?)Descriptions[n]))),
            ["primitiveMicros"] = primitivesJson,
            ["floorCounts"] = countsJson,
            ["macInputBytes"] = new JsonObject(macInputLengths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["groupSignedBytes"] = new JsonObject(groupSignedLengths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["bytesAtEnd"] = sizes,
        };

        string json = output.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        if (options.JsonPath is not null)
        {
            await File.WriteAllTextAsync(options.JsonPath, json + "\n");
        }

        PrintSummary(options, results, floors);
        return 0;
    }

    private static async Task<(Harness.Measurement Measured, SessionParty Alice, SessionParty Bob, int MacInputLength, int MessageLength)> RunWorkloadAsync<TInput>(Workload<TInput> workload, Options options)
    {
        Harness.Measurement measured = await MeasureAsync(workload, options);
        return (measured, workload.Alice, workload.Bob, workload.MacInputLength(), workload.LastMessage.Serialized.Length);
    }

    /// <summary>The warm-up, then the measurement (libsignal-bench.mjs's runWorkload).</summary>
    private static async Task<Harness.Measurement> MeasureAsync<TInput>(TimedWorkload<TInput> workload, Options options)
    {
        if (options.WarmupMs > 0)
        {
            await Harness.MeasureAsync(workload, options.WarmupMs);
        }

        return await Harness.MeasureAsync(workload, options.DurationMs);
    }

    /// <summary>The plaintext size of a group workload: group-160 → 160.</summary>
    private static int GroupSize(string name) => int.Parse(name.AsSpan("group-".Length), CultureInfo.InvariantCulture);

    private static void PrintSummary(Options options, Dictionary<string, Harness.Measurement> results, Floors floors)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("E2EMessaging (.NET), compare-libsignal workloads (µs per operation; sessions run SPQR on both sides):");
        Console.WriteLine(string.Create(culture, $"{"workload",-22}{"mean µs",12}{"p50 µs",12}{"ops/s",12}{"n",10}{"floor µs",12}{"ours/floor",12}"));
        foreach (string name in WorkloadNames.Where(options.Only.Contains))
        {
            Harness.Measurement m = results[name];
            double floor = floors.Of(name);
            Console.WriteLine(string.Create(culture, $"{name,-22}{m.MeanMicros,12:F2}{m.P50Micros,12:F2}{m.OpsPerSec,12:F1}{m.N,10}{floor,12:F2}{m.MeanMicros / floor,11:F2}x"));
        }

        Console.WriteLine();
        Console.WriteLine("floor breakdown (calls x µs per call):");
        foreach (string name in WorkloadNames)
        {
            string parts = string.Join(" + ", Floors.Counts[name].Select(c => string.Create(culture, $"{c.Value}x {c.Key} {floors.Micros[c.Key]:F2}")));
            Console.WriteLine(string.Create(culture, $"  {name} = {floors.Of(name):F2} µs: {parts}"));
        }

        Console.WriteLine(string.Create(culture, $"  not in floors: X25519 keygen {floors.Micros[Floors.X25519KeyGen]:F2} µs, Kyber-1024 keygen {floors.Micros[Floors.KyberKeyGen]:F2} µs, XEdDSA sign {floors.Micros[Floors.XEdDsaSign]:F2} µs"));
    }

    private static void Log(string message) => Console.Error.WriteLine($"compare-libsignal: {message}");

    private sealed record Options(string? JsonPath, double DurationMs, double WarmupMs, double FloorDurationMs, double FloorWarmupMs, string[] Only)
    {
        public static Options Parse(string[] args)
        {
            string? json = null;
            double duration = FromEnvironment("BENCH_DURATION_MS", 3000);
            double warmup = FromEnvironment("BENCH_WARMUP_MS", 1000);
            double floorDuration = 500;
            double floorWarmup = 200;
            string[] only = WorkloadNames;
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
                switch (arg)
                {
                    case "--json": json = Value(); break;
                    case "--duration-ms": duration = Number(arg, Value()); break;
                    case "--warmup-ms": warmup = Number(arg, Value()); break;
                    case "--floor-duration-ms": floorDuration = Number(arg, Value()); break;
                    case "--floor-warmup-ms": floorWarmup = Number(arg, Value()); break;
                    case "--only": only = Value().Split(','); break;
                    default: throw new ArgumentException($"unknown argument '{arg}'");
                }
            }

            foreach (string name in only)
            {
                if (!WorkloadNames.Contains(name))
                {
                    throw new ArgumentException($"unknown workload '{name}' (known: {string.Join(", ", WorkloadNames)})");
                }
            }

            if (!(duration > 0) || !(warmup >= 0) || !(floorDuration > 0) || !(floorWarmup >= 0))
            {
                throw new ArgumentException("durations must be > 0 and warm-ups >= 0");
            }

            return new Options(json, duration, warmup, floorDuration, floorWarmup, only);
        }

        private static double FromEnvironment(string variable, double fallback) =>
            double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : fallback;

        private static double Number(string arg, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number : throw new ArgumentException($"{arg} takes a number, not '{value}'");
    }
}
