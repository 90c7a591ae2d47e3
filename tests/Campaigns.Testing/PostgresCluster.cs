using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace Campaigns.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster of one test's own, made with the binaries tests/services.sh found
/// (CAMPAIGNS_TEST_PGCTL, run as CAMPAIGNS_TEST_PGUSER when the tests run as root). Test assemblies run in
/// parallel under <c>dotnet test Campaigns.sln</c>, so a test that restarts PostgreSQL mid-campaign must not
/// restart the server the other suites share.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string folder;
    private readonly string bin;
    private readonly string? runAs;

    private PostgresCluster(string folder, string bin, string? runAs, int port)
    {
        this.folder = folder;
        this.bin = bin;
        this.runAs = runAs;
        Port = port;
    }

    /// <summary>Its loopback port.</summary>
    public int Port { get; }

    /// <summary>An admin connection string (database <c>postgres</c>).</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=campaigns;Database=postgres";

    /// <summary>initdb, then start.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var pgctl = Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_PGCTL") is { Length: > 0 } p ? p
            : throw new InvalidOperationException("CAMPAIGNS_TEST_PGCTL is not set: run the tests with 'bash tests/run.sh', which finds PostgreSQL's binaries");
        var user = Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_PGUSER");
        var runAs = Environment.UserName == "root" && !string.IsNullOrEmpty(user) && user != "root" ? user : null;
        var folder = Directory.CreateTempSubdirectory("campaigns-pgc-").FullName;
        if (runAs is not null)
        {
            await RunAsync("chown", [runAs, folder]).ConfigureAwait(false);
        }

        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var cluster = new PostgresCluster(folder, Path.GetDirectoryName(pgctl)!, runAs, port);
        await cluster.AsOwnerAsync("initdb", ["-D", cluster.Data, "-U", "campaigns", "--auth=trust", "-E", "UTF8", "--no-locale"]).ConfigureAwait(false);
        await cluster.PgCtlAsync("start").ConfigureAwait(false);
        return cluster;
    }

    private string Data => Path.Combine(folder, "data");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name = "campaigns")
    {
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
    }

    /// <summary>Restarts the server (fast shutdown: open connections are cut) and waits until it accepts again.</summary>
    public Task RestartAsync() => PgCtlAsync("restart", "-m", "fast");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await AsOwnerAsync("pg_ctl", ["-D", Data, "-m", "immediate", "stop"]).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task PgCtlAsync(string action, params string[] more)
    {
        // Throwaway and loopback-only, as in tests/services.sh; without -l the server would keep our stdout open.
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100");
        return AsOwnerAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", options, .. more, action]);
    }

    private Task AsOwnerAsync(string program, IReadOnlyList<string> args)
    {
        var path = Path.Combine(bin, program);
        return runAs is null ? RunAsync(path, args) : RunAsync("runuser", ["-u", runAs, "--", path, .. args]);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}: {await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }
}
