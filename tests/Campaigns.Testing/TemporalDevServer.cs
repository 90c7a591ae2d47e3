using System.Diagnostics;
using System.Net.Sockets;

namespace Campaigns.Testing;

/// <summary>
/// A Temporal dev server of a test's own (the CLI's <c>server start-dev</c>), persisting to a database file in
/// a temporary folder, so that the test can stop it and start it again on the same file and port, as an
/// operator restarts a server. Registers the project's search attributes, as tests/services.sh does.
/// </summary>
public sealed class TemporalDevServer : IAsyncDisposable
{
    private readonly string folder;
    private Process? process;

    private TemporalDevServer(string folder, int port)
    {
        this.folder = folder;
        Port = port;
    }

    /// <summary>host:port of its frontend.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Its frontend port (kept across restarts).</summary>
    public int Port { get; }

    /// <summary>The server's log (stdout and stderr), for a failing test's message.</summary>
    public string LogPath => System.IO.Path.Combine(folder, "server.log");

    /// <summary>Starts a server on a free port with an empty database file.</summary>
    public static async Task<TemporalDevServer> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("campaigns-temporal-").FullName;
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var server = new TemporalDevServer(folder, port);
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server (again) on its database file and port, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("the dev server is running");
        }

        var start = new ProcessStartInfo(TemporalCli.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "server", "start-dev", "--ip", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--headless",
            "--db-filename", System.IO.Path.Combine(folder, "temporal.db"), "--log-level", "warn",
            "--search-attribute", "CampaignId=Keyword", "--search-attribute", "CampaignStatus=Keyword",
        })
        {
            start.ArgumentList.Add(arg);
        }

#pragma warning disable CA2000 // the log lives as long as the process it records; AutoFlush loses nothing when it is not closed
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
#pragma warning restore CA2000
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => log.Dispose();
        var started = process;
        await Eventually.TrueAsync(
            async () =>
            {
                if (started.HasExited)
                {
                    throw new InvalidOperationException($"the dev server exited with {started.ExitCode}: {await File.ReadAllTextAsync(LogPath).ConfigureAwait(false)}");
                }

                var (exit, _, _) = await TemporalCli.RunAsync(["operator", "namespace", "describe", "--address", Address, "--namespace", "default"]).ConfigureAwait(false);
                return exit == 0;
            },
            "the Temporal dev server answers",
            90).ConfigureAwait(false);
    }

    /// <summary>Stops the server as an operator does (SIGTERM, then waits for it to exit); its database file stays.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process?.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            log.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
