using System.Diagnostics;

namespace E2EMessaging.Benchmarks.CompareLibsignal;

/// <summary>
/// The timing loop of libsignal-bench.mjs's <c>measure</c>, in .NET: prepare (untimed), run (timed on its own),
/// check (untimed), until the timed iterations add up to the budget (or four budgets plus a second of wall time
/// have passed). Called once for the warm-up and once for the measurement.
/// </summary>
internal static class Harness
{
    /// <summary>What one workload's measurement produced: the timed total and each iteration's µs.</summary>
    public sealed record Measurement(long TimedTicks, List<double> Micros)
    {
        public int N => Micros.Count;

        public double TotalMicros => TimedTicks * 1e6 / Stopwatch.Frequency;

        public double MeanMicros => TotalMicros / N;

        public double OpsPerSec => N / (TotalMicros / 1e6);

        public double P50Micros
        {
            get
            {
                double[] sorted = [.. Micros];
                Array.Sort(sorted);
                return sorted[sorted.Length / 2];
            }
        }
    }

    public static async Task<Measurement> MeasureAsync<TInput>(TimedWorkload<TInput> workload, double budgetMs)
    {
        var micros = new List<double>();
        long timed = 0;
        long budget = (long)(budgetMs / 1e3 * Stopwatch.Frequency);
        long wallLimit = Stopwatch.GetTimestamp() + (long)(((budgetMs * 4) + 1000) / 1e3 * Stopwatch.Frequency);
        while (timed < budget && Stopwatch.GetTimestamp() < wallLimit)
        {
            TInput input = await workload.PrepareAsync();
            long start = Stopwatch.GetTimestamp();
            byte[] plaintext = await workload.RunAsync(input);
            long elapsed = Stopwatch.GetTimestamp() - start;
            workload.Check(plaintext);
            timed += elapsed;
            micros.Add(elapsed * 1e6 / Stopwatch.Frequency);
        }

        return new Measurement(timed, micros);
    }

    /// <summary>
    /// The same loop for one primitive: each timed iteration runs it <paramref name="batch"/> times (a single call
    /// is too short for the clock), warm-up first. Returns µs per call.
    /// </summary>
    public static double MeasurePrimitive(Action primitive, double warmupMs, double budgetMs, int batch = 16)
    {
        Loop(primitive, warmupMs, batch);
        (long timed, long calls) = Loop(primitive, budgetMs, batch);
        return timed * 1e6 / Stopwatch.Frequency / calls;
    }

    private static (long Timed, long Calls) Loop(Action primitive, double budgetMs, int batch)
    {
        long timed = 0;
        long calls = 0;
        long budget = (long)(budgetMs / 1e3 * Stopwatch.Frequency);
        do
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                primitive();
            }

            timed += Stopwatch.GetTimestamp() - start;
            calls += batch;
        }
        while (timed < budget);
        return (timed, calls);
    }
}
