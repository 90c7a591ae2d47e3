using System.Diagnostics;
using Npgsql;

namespace Campaigns.Testing;

/// <summary>
/// The throwaway PostgreSQL server that <c>tests/run.sh</c> starts (tests/services.sh). Tests make a
/// database of their own on it and may restart the server to prove nothing is lost.
/// </summary>
public static class PostgresServer
{
    /// <summary>The admin connection string; fails loudly (never skips) when the server was not started.</summary>
    public static string AdminConnectionString => Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "CAMPAIGNS_TEST_POSTGRES is not set: run the tests with 'bash tests/run.sh', which starts a throwaway PostgreSQL");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Restarts the server (fast shutdown: open connections are cut) and waits until it accepts again.</summary>
    public static async Task RestartAsync()
    {
        var pgctl = Required("CAMPAIGNS_TEST_PGCTL");
        var data = Required("CAMPAIGNS_TEST_PGDATA");
        var user = Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_PGUSER");
        // Without -l the new server would keep our stdout open, and reading it would never end.
        var log = Path.Combine(Path.GetDirectoryName(data)!, "server.log");
        var asOther = Environment.UserName == "root" && !string.IsNullOrEmpty(user) && user != "root";
        var start = asOther
            ? new ProcessStartInfo("runuser", ["-u", user!, "--", pgctl, "-D", data, "-l", log, "-m", "fast", "-w", "restart"])
            : new ProcessStartInfo(pgctl, ["-D", data, "-l", log, "-m", "fast", "-w", "restart"]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false) + await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_ctl restart failed: " + output);
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> while another connection holds <paramref name="table"/> locked, waits
    /// until the work is blocked on that lock inside the server, then restarts the server: the work is cut
    /// mid-transaction for certain. Returns the work's task, to be awaited.
    /// </summary>
    public static async Task<Task> RestartWhileWaitingAsync(string connectionString, string table, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
#pragma warning disable CA2000 // disposed below, after the restart it is meant to outlive
        var blocker = new NpgsqlConnection(Unpooled(connectionString));
#pragma warning restore CA2000
        await blocker.OpenAsync().ConfigureAwait(false);
        await using (var cmd = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", blocker))
        {
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var task = work();
        await WaitForLockWaitAsync(connectionString).ConfigureAwait(false);
        await RestartAsync().ConfigureAwait(false);
        try
        {
            await blocker.DisposeAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The restart cut it too; nothing to release.
        }

        return task;
    }

    /// <summary>Waits until some session of the database waits on a lock (a condition, polled; not a fixed sleep).</summary>
    public static async Task WaitForLockWaitAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var conn = new NpgsqlConnection(Unpooled(AdminConnectionString));
        await conn.OpenAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @database AND wait_event_type = 'Lock'", conn);
        cmd.Parameters.AddWithValue("database", database!);
        for (var i = 0; i < 3000; i++)
        {
            if ((long)(await cmd.ExecuteScalarAsync().ConfigureAwait(false))! > 0)
            {
                return;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        throw new TimeoutException($"nothing in database {database} waited on a lock within 30 s");
    }

    private static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString();

    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with 'bash tests/run.sh'");
}
