using System.Collections.Concurrent;
using E2EMessaging.Protocol;

namespace E2EMessaging.Relay;

/// <summary>Which device has a live connection to this relay. One connection per device: a new one replaces (closes) the old.</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<ProtocolAddress, RelayConnection> _connections = new();

    public void Add(ProtocolAddress device, RelayConnection connection)
    {
        RelayConnection? replaced = null;
        _connections.AddOrUpdate(device, connection, (_, old) =>
        {
            replaced = old;
            return connection;
        });
        if (replaced is not null && !ReferenceEquals(replaced, connection))
        {
            replaced.Close();
        }
    }

    public void Remove(RelayConnection connection)
    {
        if (connection.Device is { } device)
        {
            _connections.TryRemove(new KeyValuePair<ProtocolAddress, RelayConnection>(device, connection));
        }
    }

    public RelayConnection? Find(ProtocolAddress device) =>
        _connections.TryGetValue(device, out RelayConnection? connection) && !connection.IsClosed ? connection : null;
}
