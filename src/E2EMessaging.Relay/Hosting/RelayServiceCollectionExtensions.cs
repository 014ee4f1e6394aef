using E2EMessaging.Protocol;
using E2EMessaging.Relay;
using E2EMessaging.Relay.Stores;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the relay.</summary>
public static class RelayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RelayServer"/> with in-memory stores, no push notifier, the system clock and the system
    /// CSPRNG — each with <c>TryAdd</c>, so the host's own registrations (made before or through the returned builder) win.
    /// </summary>
    public static RelayBuilder AddE2EMessagingRelay(this IServiceCollection services, Action<RelayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<RelayOptions> options = services.AddOptions<RelayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomSource>(SystemRandomSource.Instance);
        services.TryAddSingleton<IInboxStore, InMemoryInboxStore>();
        services.TryAddSingleton<IRelayDedupeStore, InMemoryRelayDedupeStore>();
        services.TryAddSingleton<IPrekeyDirectory, InMemoryPrekeyDirectory>();
        services.TryAddSingleton<IDeviceDirectory, InMemoryDeviceDirectory>();
        services.TryAddSingleton<IPushNotifier>(NullPushNotifier.Instance);
        services.TryAddSingleton<RelayServer>();
        return new RelayBuilder(services);
    }
}

/// <summary>Replaces the relay's default parts with the host's.</summary>
public sealed class RelayBuilder
{
    internal RelayBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses <typeparamref name="T"/> as the inbox store.</summary>
    public RelayBuilder UseInboxStore<T>()
        where T : class, IInboxStore => Replace<IInboxStore, T>();

    /// <summary>Uses <typeparamref name="T"/> as the dedupe store.</summary>
    public RelayBuilder UseDedupeStore<T>()
        where T : class, IRelayDedupeStore => Replace<IRelayDedupeStore, T>();

    /// <summary>Uses <typeparamref name="T"/> as the prekey directory.</summary>
    public RelayBuilder UsePrekeyDirectory<T>()
        where T : class, IPrekeyDirectory => Replace<IPrekeyDirectory, T>();

    /// <summary>Uses <typeparamref name="T"/> as the device directory.</summary>
    public RelayBuilder UseDeviceDirectory<T>()
        where T : class, IDeviceDirectory => Replace<IDeviceDirectory, T>();

    /// <summary>Uses <typeparamref name="T"/> to wake offline devices.</summary>
    public RelayBuilder UsePushNotifier<T>()
        where T : class, IPushNotifier => Replace<IPushNotifier, T>();

    private RelayBuilder Replace<TService, TImplementation>()
        where TService : class
        where TImplementation : class, TService
    {
        Services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());
        return this;
    }
}
