namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>
/// The Node peer answered a request with <c>ok:false</c>: libsignal (or the peer itself) refused it.
/// <see cref="PeerError"/> is the peer's error string, <c>"&lt;name&gt;: &lt;message&gt;"</c>,
/// e.g. <c>"LibSignalError: invalid signature detected"</c>.
/// </summary>
public sealed class NodePeerException : Exception
{
    public NodePeerException()
        : this("The Node peer reported an error.")
    {
    }

    public NodePeerException(string message)
        : base(message)
    {
        PeerError = message;
        Op = string.Empty;
    }

    public NodePeerException(string message, Exception innerException)
        : base(message, innerException)
    {
        PeerError = message;
        Op = string.Empty;
    }

    public NodePeerException(string op, string peerError, string? errorClass)
        : base($"libsignal peer op '{op}' failed: {peerError}")
    {
        Op = op;
        PeerError = peerError;
        ErrorClass = errorClass;
    }

    /// <summary>The op that failed.</summary>
    public string Op { get; }

    /// <summary>The peer's error string, <c>"&lt;name&gt;: &lt;message&gt;"</c>.</summary>
    public string PeerError { get; }

    /// <summary>The JavaScript class of the thrown error (e.g. <c>LibSignalErrorBase</c>, <c>TypeError</c>), if known.</summary>
    public string? ErrorClass { get; }
}
