using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace E2EMessaging.Interop.Tests.NodeHost;

/// <summary>
/// Finds the peer folder and makes sure Node.js and the pinned libsignal package are there,
/// running <c>npm ci</c> once per process when <c>node_modules</c> is missing. Every failure is an
/// exception that says what is wrong and how to fix it: these tests fail, they never skip.
/// </summary>
internal static class NodePeerSetup
{
    /// <summary>The libsignal release this library is byte-compatible with.</summary>
    public const string LibsignalVersion = "0.103.0";

    public const int MinimumNodeMajorVersion = 20;

    private const string PeerRelativePath = "tests/E2EMessaging.Interop.Tests/peer";

    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<Task<string>> Prepared =
        new(() => Task.Run(PrepareAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Locates the peer folder, checks Node.js, installs the npm packages if needed; returns the peer folder.
    /// Runs once per process; every caller awaits the same task (and sees the same failure).
    /// </summary>
    public static Task<string> EnsureReadyAsync() => Prepared.Value;

    public static string NodeExecutable => OperatingSystem.IsWindows() ? "node.exe" : "node";

    private static string NpmExecutable => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    private static async Task<string> PrepareAsync()
    {
        var peerDirectory = LocatePeerDirectory();
        await CheckNodeAsync().ConfigureAwait(false);
        if (!IsInstalled(peerDirectory))
        {
            await InstallAsync(peerDirectory).ConfigureAwait(false);
        }

        return peerDirectory;
    }

    /// <summary>Walks up from the test binaries to the repository's <c>tests/E2EMessaging.Interop.Tests/peer</c>.</summary>
    public static string LocatePeerDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, PeerRelativePath);
            if (File.Exists(Path.Combine(candidate, "package.json")) && File.Exists(Path.Combine(candidate, "peer.js")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Cannot find the libsignal Node peer: no '{PeerRelativePath}/package.json' and 'peer.js' above " +
            $"'{AppContext.BaseDirectory}'. Run the interop tests from a checkout of the repository.");
    }

    private static string InstalledPackageJson(string peerDirectory) =>
        Path.Combine(peerDirectory, "node_modules", "@signalapp", "libsignal-client", "package.json");

    private static bool IsInstalled(string peerDirectory)
    {
        var packageJson = InstalledPackageJson(peerDirectory);
        if (!File.Exists(packageJson))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(packageJson));
            return doc.RootElement.TryGetProperty("version", out var version) && version.GetString() == LibsignalVersion;
        }
        catch (JsonException)
        {
            return false; // a half-written install: reinstall
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task CheckNodeAsync()
    {
        var result = await RunToolAsync(
            NodeExecutable, ["--version"], AppContext.BaseDirectory, ToolTimeout,
            $"Node.js {MinimumNodeMajorVersion}+ is required on PATH for the libsignal interop tests " +
            "(install it, e.g. 'apt-get install nodejs npm', or from https://nodejs.org).").ConfigureAwait(false);
        var text = result.Output.Trim();
        var major = text.StartsWith('v') && int.TryParse(
            text.AsSpan(1, Math.Max(0, text.IndexOf('.', StringComparison.Ordinal) - 1)),
            NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : -1;
        if (result.ExitCode != 0 || major < MinimumNodeMajorVersion)
        {
            throw new InvalidOperationException(
                $"Node.js {MinimumNodeMajorVersion}+ is required on PATH for the libsignal interop tests, but " +
                $"'node --version' gave exit code {result.ExitCode} and '{text}'. Install a current Node.js " +
                "(e.g. 'apt-get install nodejs npm', or from https://nodejs.org).");
        }
    }

    private static async Task InstallAsync(string peerDirectory)
    {
        // Another test process (another test project, a parallel CI leg) may be installing into the
        // same folder: serialize on a lock file outside the tree, then look again.
        var lockPath = Path.Combine(
            Path.GetTempPath(),
            "e2emessaging-peer-npm-" + Convert.ToHexString(
                System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(peerDirectory)))[..16] + ".lock");
        using var fileLock = await AcquireFileLockAsync(lockPath, NpmCiTimeout).ConfigureAwait(false);
        if (IsInstalled(peerDirectory))
        {
            return;
        }

        var result = await RunToolAsync(
            NpmExecutable, ["ci", "--no-audit", "--no-fund"], peerDirectory, NpmCiTimeout,
            "npm is required on PATH for the libsignal interop tests (it comes with Node.js; e.g. 'apt-get install nodejs npm').")
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'npm ci' failed in {peerDirectory} (exit code {result.ExitCode}); the libsignal interop tests need " +
                $"@signalapp/libsignal-client {LibsignalVersion} from the npm registry. Output:{Environment.NewLine}{result.Output}");
        }

        if (!IsInstalled(peerDirectory))
        {
            throw new InvalidOperationException(
                $"'npm ci' in {peerDirectory} succeeded but '{InstalledPackageJson(peerDirectory)}' is missing or not " +
                $"version {LibsignalVersion}. Check package.json/package-lock.json. Output:{Environment.NewLine}{result.Output}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new InvalidOperationException(
                    $"Timed out after {timeout} waiting for another process's 'npm ci' (lock file '{path}'). " +
                    "Delete the lock file if no other test run is active.", e);
            }
        }
    }

    internal readonly record struct ToolResult(int ExitCode, string Output);

    /// <summary>Runs a tool to completion, capturing stdout and stderr together.</summary>
    private static async Task<ToolResult> RunToolAsync(
        string fileName, string[] arguments, string workingDirectory, TimeSpan timeout, string notFoundMessage)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{notFoundMessage} Starting '{fileName}' failed: {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"'{fileName} {string.Join(' ', arguments)}' in {workingDirectory} did not finish within {timeout}. Output so far:{Environment.NewLine}{Snapshot(output)}");
        }

        process.WaitForExit(); // flushes the asynchronous output readers
        return new ToolResult(process.ExitCode, Snapshot(output));
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
