using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>
/// Owns one <c>node peer.js</c> process: the real libsignal behind a JSON-lines protocol.
/// Requests are <c>{"id":n,"op":"...","args":{...}}</c>; byte arrays travel as base64.
/// Safe for concurrent callers; the peer itself handles requests one at a time, in order.
/// </summary>
internal sealed class NodePeer : IAsyncDisposable, IDisposable
{
    /// <summary>How long one call may take before the test fails (the peer is presumed hung).</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private const int StderrLimit = 64 * 1024;

    private static readonly JsonSerializerOptions ArgsOptions = new(JsonSerializerDefaults.Web);

    private readonly Process _process;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private readonly Task _readerLoop;
    private long _nextId;
    private volatile string? _failure;
    private int _disposed;

    private sealed record Pending(string Op, TaskCompletionSource<JsonElement> Completion);

    private NodePeer(Process process, string peerDirectory)
    {
        _process = process;
        PeerDirectory = peerDirectory;
        _readerLoop = Task.Run(ReadResponsesAsync);
    }

    /// <summary>The folder holding peer.js, package.json and node_modules.</summary>
    public string PeerDirectory { get; }

    /// <summary>The libsignal version the peer reported at startup.</summary>
    public string LibsignalVersion { get; private set; } = string.Empty;

    /// <summary>Per-call timeout; <see cref="DefaultCallTimeout"/> unless changed.</summary>
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>What the peer wrote to stderr so far (the last 64 KiB).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Installs the npm packages if needed, starts <c>node peer.js</c> and checks that it answers
    /// <c>ping</c> with libsignal <see cref="NodePeerSetup.LibsignalVersion"/>.
    /// </summary>
    public static async Task<NodePeer> StartAsync(CancellationToken cancellationToken = default)
    {
        var peerDirectory = await NodePeerSetup.EnsureReadyAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var startInfo = new ProcessStartInfo(NodePeerSetup.NodeExecutable)
        {
            WorkingDirectory = peerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add("peer.js");

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Node.js {NodePeerSetup.MinimumNodeMajorVersion}+ is required on PATH for the libsignal interop tests " +
                $"(e.g. 'apt-get install nodejs npm'); starting 'node peer.js' in {peerDirectory} failed: {e.Message}", e);
        }

        var peer = new NodePeer(process, peerDirectory);
        process.ErrorDataReceived += peer.OnStandardError;
        process.BeginErrorReadLine();
        string version;
        try
        {
            var ping = await peer.CallCoreAsync("ping", null, StartupTimeout, cancellationToken).ConfigureAwait(false);
            version = ping.TryGetProperty("version", out var v) ? v.GetString() ?? "(null)" : "(missing)";
        }
        catch (Exception e)
        {
            var stderr = peer.StandardError;
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The libsignal Node peer ('node peer.js' in {peerDirectory}) did not answer 'ping': {e.Message}" +
                $"{Environment.NewLine}Peer stderr:{Environment.NewLine}{stderr}", e);
        }

        if (version != NodePeerSetup.LibsignalVersion)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The libsignal Node peer in {peerDirectory} runs @signalapp/libsignal-client {version}, " +
                $"but the interop tests need exactly {NodePeerSetup.LibsignalVersion}. Delete " +
                $"{Path.Combine(peerDirectory, "node_modules")} and run 'npm ci' there.");
        }

        peer.LibsignalVersion = version;
        return peer;
    }

    /// <summary>
    /// Sends <paramref name="op"/> with <paramref name="args"/> (any object System.Text.Json can serialize,
    /// e.g. an anonymous object; <c>byte[]</c> becomes base64; property names are camel-cased) and returns the
    /// response's <c>result</c>. Throws <see cref="NodePeerException"/> when the peer answers <c>ok:false</c>,
    /// <see cref="TimeoutException"/> after <see cref="CallTimeout"/>, <see cref="InvalidOperationException"/>
    /// when the peer process is gone.
    /// </summary>
    public Task<JsonElement> CallAsync(string op, object? args = null, CancellationToken ct = default) =>
        CallCoreAsync(op, args, CallTimeout, ct);

    private async Task<JsonElement> CallCoreAsync(string op, object? args, TimeSpan callTimeout, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfFailed();

        var id = Interlocked.Increment(ref _nextId);
        var line = BuildRequest(id, op, args);
        var pending = new Pending(op, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(callTimeout);
        try
        {
            ThrowIfFailed(); // the reader loop may have failed every pending call just before this one was added
            await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await _process.StandardInput.WriteLineAsync(line.AsMemory(), timeout.Token).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }

            return await pending.Completion.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The libsignal Node peer did not answer op '{op}' (request {id}) within {callTimeout}." +
                $"{Environment.NewLine}Peer stderr:{Environment.NewLine}{StandardError}");
        }
        catch (IOException e)
        {
            ThrowIfFailed();
            throw new InvalidOperationException(
                $"Writing op '{op}' to the libsignal Node peer failed: {e.Message}{Environment.NewLine}Peer stderr:{Environment.NewLine}{StandardError}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private static string BuildRequest(long id, string op, object? args)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("op", op);
            writer.WritePropertyName("args");
            if (args is null)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(writer, args, args.GetType(), ArgsOptions);
            }

            writer.WriteEndObject();
        }

        // Utf8JsonWriter escapes control characters, so the request is always exactly one line.
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task ReadResponsesAsync()
    {
        string reason;
        try
        {
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
                if (line is null)
                {
                    break;
                }

                if (line.Length != 0)
                {
                    Dispatch(line);
                }
            }

            reason = "the peer closed its stdout";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            reason = $"reading the peer's stdout failed: {e.Message}";
        }

        // Let the process finish so the exit code and last stderr lines are available.
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            reason += $" (exit code {_process.ExitCode})";
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }

        Fail(Volatile.Read(ref _disposed) != 0 ? "the peer was disposed" : reason);
    }

    private void Dispatch(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out var id))
            {
                AppendStderr($"[NodePeer] response without a request id: {line}");
                return;
            }

            if (!_pending.TryGetValue(id, out var pending))
            {
                AppendStderr($"[NodePeer] response to unknown or timed-out request {id}: {Truncate(line)}");
                return;
            }

            if (root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
            {
                var result = root.TryGetProperty("result", out var r) ? r.Clone() : default;
                pending.Completion.TrySetResult(result);
            }
            else
            {
                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                    ? e.GetString() ?? "(no error text)"
                    : "(no error text)";
                var errorClass = root.TryGetProperty("errorClass", out var c) && c.ValueKind == JsonValueKind.String
                    ? c.GetString()
                    : null;
                pending.Completion.TrySetException(new NodePeerException(pending.Op, error, errorClass));
            }
        }
        catch (JsonException e)
        {
            // The peer must write nothing but responses to stdout; anything else is a peer bug.
            Fail($"the peer wrote a line that is not a JSON response ({e.Message}): {Truncate(line)}");
        }
    }

    private void Fail(string reason)
    {
        _failure ??= reason;
        foreach (var (_, pending) in _pending)
        {
            pending.Completion.TrySetException(new InvalidOperationException(
                $"The libsignal Node peer failed during op '{pending.Op}': {reason}.{Environment.NewLine}Peer stderr:{Environment.NewLine}{StandardError}"));
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new InvalidOperationException(
                $"The libsignal Node peer is no longer usable: {failure}.{Environment.NewLine}Peer stderr:{Environment.NewLine}{StandardError}");
        }
    }

    private void OnStandardError(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            AppendStderr(e.Data);
        }
    }

    private void AppendStderr(string text)
    {
        lock (_stderr)
        {
            _stderr.AppendLine(text);
            if (_stderr.Length > StderrLimit)
            {
                _stderr.Remove(0, _stderr.Length - StderrLimit);
            }
        }
    }

    private static string Truncate(string line) => line.Length <= 500 ? line : string.Concat(line.AsSpan(0, 500), "…");

    /// <summary>Closes the peer's stdin (it exits on end of input), then kills the process tree if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            KillAndRelease();
        }

        await _readerLoop.ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        KillAndRelease();
    }

    private void KillAndRelease()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }

        Fail("the peer was disposed");
        _process.Dispose();
        _writeLock.Dispose();
    }
}
