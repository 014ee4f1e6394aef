namespace E2EMessaging.Tests;

/// <summary>A clock a test sets by hand, backwards too (FakeTimeProvider refuses to go back).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void SetUtcNow(DateTimeOffset value) => _now = value;
}
