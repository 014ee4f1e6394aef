using Xunit;

namespace E2EMessaging.Tests.Client;

public sealed class ScratchTests
{
    [Fact]
    public async Task Scratch()
    {
        var failures = new List<string>();
        var r = new Random(1);
        for (int i = 0; i < 30; i++)
        {
            byte[] schedule = new byte[r.Next(4, 30)];
            r.NextBytes(schedule);
            int seed = r.Next(1, 1000);
            try
            {
                await DeliveryPropertyTests.RunAsync(schedule, seed);
            }
            catch (Exception e)
            {
                failures.Add($"[{string.Join(",", schedule)}] seed {seed}: {e.GetType().Name}: {e.Message[..Math.Min(e.Message.Length, 600)]}");
                if (failures.Count >= 3)
                {
                    break;
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
