using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Campaigns.Testing;
using Npgsql;
using Temporalio.Exceptions;

namespace Campaigns.Faults.Tests;

/// <summary>
/// Malformed campaigns (Malformed/cases.json) submitted straight through <c>temporal workflow start</c>, as an
/// operator would: each is refused naming the field — by the CLI when it is not JSON at all, else by the
/// workflow (error type InvalidCampaign) — and nothing is dialed or written.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(FaultSuite.Name)]
public sealed partial class MalformedStartTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public sealed record MalformedCase(string Name, string Input, string Expect, string RefusedBy);

    [Fact]
    public async Task EveryMalformedCampaign_RefusedNamingTheField_NothingDialedOrWritten()
    {
        var cases = JsonSerializer.Deserialize<List<MalformedCase>>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Malformed", "cases.json")), Web)!;
        Assert.True(cases.Count >= 50, $"{cases.Count} cases");
        await using var run = await FaultRun.StartAsync();
        run.StartWorker();
        var folder = Directory.CreateTempSubdirectory("campaigns-malformed-").FullName;
        var prefix = "campaign-bad-" + Guid.NewGuid().ToString("N")[..8] + "-";

        // Start them all (a few CLIs at a time), then look at each workflow.
        using var gate = new SemaphoreSlim(6);
        var started = await Task.WhenAll(cases.Select(async (c, i) =>
        {
            var file = Path.Combine(folder, i.ToString(CultureInfo.InvariantCulture) + ".json");
            await File.WriteAllTextAsync(file, Expand(c.Input));
            await gate.WaitAsync();
            try
            {
                return await TemporalCli.RunAsync([
                    "workflow", "start", "--type", "CampaignWorkflow", "--task-queue", run.TaskQueue,
                    "--workflow-id", prefix + i.ToString(CultureInfo.InvariantCulture), "--input-file", file, "--address", run.TemporalAddress]);
            }
            finally
            {
                gate.Release();
            }
        }));

        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var (exit, stdout, stderr) = started[i];
            var handle = run.Client.GetWorkflowHandle(prefix + i.ToString(CultureInfo.InvariantCulture));
            if (c.RefusedBy == "cli")
            {
                if (exit == 0 || !(stdout + stderr).Contains(c.Expect, StringComparison.Ordinal))
                {
                    failures.Add($"{c.Name}: the CLI exited {exit}: {stdout}{stderr}");
                }

                try
                {
                    await handle.DescribeAsync();
                    failures.Add($"{c.Name}: a workflow was started");
                }
                catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
                {
                }

                continue;
            }

            if (exit != 0)
            {
                failures.Add($"{c.Name}: the CLI refused it ({stdout}{stderr}); the workflow was to refuse it");
                continue;
            }

            try
            {
                await handle.GetResultAsync();
                failures.Add($"{c.Name}: the workflow completed");
            }
            catch (WorkflowFailedException e) when (e.InnerException is ApplicationFailureException { ErrorType: "InvalidCampaign" } app)
            {
                if (!app.Message.Contains(c.Expect, StringComparison.Ordinal))
                {
                    failures.Add($"{c.Name}: expected \"{c.Expect}\" in: {app.Message}");
                }
            }
            catch (WorkflowFailedException e)
            {
                failures.Add($"{c.Name}: failed otherwise: {e.InnerException?.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Nothing dialed, nothing written.
        Assert.Empty(await run.Simulator.RingsAsync());
        Assert.Empty(await run.Simulator.CallsAsync());
        Assert.Equal(0, (await run.Simulator.RequestsAsync()).Apis.Values.Sum(a => a.Total));
        await using (var conn = new NpgsqlConnection(run.Database))
        {
            await conn.OpenAsync();
            foreach (var table in new[] { "campaigns", "targets", "call_attempts", "outcomes" })
            {
                await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
                Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
            }
        }

        Console.WriteLine($"malformed via temporal workflow start: {cases.Count} cases, {cases.Count(c => c.RefusedBy == "cli")} refused by the CLI (not JSON), the rest by the workflow naming the field");
        Directory.Delete(folder, recursive: true);
    }

    // "@callees(N)" stands for a list of N distinct valid callees (a huge list in a small file).
    private static string Expand(string input) => CalleesMacro().Replace(input, m =>
        JsonSerializer.Serialize(Enumerable.Range(1, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Select(i => $"u{i}")));

    [GeneratedRegex(@"@callees\((\d+)\)")]
    private static partial Regex CalleesMacro();
}
