using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace E2EMessaging.Client;

/// <summary>Fans items out to every current subscriber, each with its own unbounded channel. Publishing takes no lock.</summary>
internal sealed class Broadcast<T>
{
    private readonly Lock _gate = new();
    private Channel<T>[] _subscribers = [];

    public void Publish(T item)
    {
        foreach (Channel<T> subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Writer.TryWrite(item);
        }
    }

    public async IAsyncEnumerable<T> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Channel<T> channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers = [.. _subscribers, channel];
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out T? item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers = [.. _subscribers.Where(c => c != channel)];
            }
        }
    }
}
