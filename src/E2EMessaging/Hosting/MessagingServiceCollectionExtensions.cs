using System.Diagnostics.Metrics;
using E2EMessaging.Attachments;
using E2EMessaging.Client;
using E2EMessaging.Protocol;
using E2EMessaging.Storage;
using E2EMessaging.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the E2EMessaging client (<see cref="MessagingClient"/>) the Microsoft.Extensions way.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="MessagingClient"/> for this device and its defaults — in-memory messaging stores and
    /// blob store, the system clock and CSPRNG — each with <c>TryAdd</c>, so the host's own registrations win. The
    /// host must provide the transport (<see cref="MessagingBuilder.AddTransport{T}"/>) and the device's protocol
    /// stores (<see cref="MessagingBuilder.AddProtocolStores"/>), which hold its identity.
    /// </summary>
    public static MessagingBuilder AddE2EMessaging(this IServiceCollection services, Action<MessagingClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<MessagingClientOptions> options = services.AddOptions<MessagingClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomSource>(SystemRandomSource.Instance);
        services.TryAddSingleton<IMessageStore, InMemoryMessageStore>();
        services.TryAddSingleton<IOutbox, InMemoryOutbox>();
        services.TryAddSingleton<IDedupeWindow, InMemoryDedupeWindow>();
        services.TryAddSingleton<IGroupStore, InMemoryGroupStore>();
        services.TryAddSingleton<IDeviceListStore, InMemoryDeviceListStore>();
        services.TryAddSingleton<IBlobStore, InMemoryBlobStore>();
        services.TryAddSingleton(sp => new AttachmentTransfer(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IRandomSource>()));
        services.TryAddSingleton(sp => new MessagingStores(
            sp.GetRequiredService<IMessageStore>(),
            sp.GetRequiredService<IOutbox>(),
            sp.GetRequiredService<IDedupeWindow>(),
            sp.GetRequiredService<IGroupStore>(),
            sp.GetRequiredService<IDeviceListStore>()));
        services.TryAddSingleton(sp => new MessagingClient(
            sp.GetRequiredService<IOptions<MessagingClientOptions>>().Value,
            sp.GetRequiredService<ITransport>(),
            sp.GetRequiredService<ProtocolStores>(),
            sp.GetRequiredService<MessagingStores>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IRandomSource>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        return new MessagingBuilder(services);
    }
}

/// <summary>Configures what <see cref="MessagingServiceCollectionExtensions.AddE2EMessaging"/> registered.</summary>
public sealed class MessagingBuilder
{
    private static readonly Type[] StoreInterfaces = [typeof(IMessageStore), typeof(IOutbox), typeof(IDedupeWindow), typeof(IGroupStore), typeof(IDeviceListStore), typeof(IBlobStore)];

    internal MessagingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Uses one <typeparamref name="TStore"/> (a singleton) for every messaging store interface it implements —
    /// <see cref="IMessageStore"/>, <see cref="IOutbox"/>, <see cref="IDedupeWindow"/>, <see cref="IGroupStore"/>,
    /// <see cref="IDeviceListStore"/>, <see cref="IBlobStore"/> — in place of the in-memory defaults.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TStore"/> implements none of them.</exception>
    public MessagingBuilder AddStore<TStore>()
        where TStore : class
    {
        Type[] implemented = [.. StoreInterfaces.Where(i => i.IsAssignableFrom(typeof(TStore)))];
        if (implemented.Length == 0)
        {
            throw new ArgumentException($"{typeof(TStore).Name} implements no messaging store interface.", nameof(TStore));
        }

        Services.TryAddSingleton<TStore>();
        foreach (Type service in implemented)
        {
            Services.Replace(ServiceDescriptor.Singleton(service, sp => sp.GetRequiredService<TStore>()));
        }

        return this;
    }

    /// <summary>Uses <typeparamref name="TTransport"/> (a singleton) to reach the relay.</summary>
    public MessagingBuilder AddTransport<TTransport>()
        where TTransport : class, ITransport
    {
        Services.Replace(ServiceDescriptor.Singleton<ITransport, TTransport>());
        return this;
    }

    /// <summary>Uses the transport <paramref name="factory"/> makes (once) to reach the relay.</summary>
    public MessagingBuilder AddTransport(Func<IServiceProvider, ITransport> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Uses the protocol stores (the device's identity, sessions, prekeys, sender keys) <paramref name="factory"/> makes (once).</summary>
    public MessagingBuilder AddProtocolStores(Func<IServiceProvider, ProtocolStores> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>The type name.</summary>
    public override string ToString() => nameof(MessagingBuilder);
}
