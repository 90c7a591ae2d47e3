using System.Diagnostics;
using Campaigns.Workflows.Contract;
using Temporalio.Testing;

namespace Campaigns.Testing;

/// <summary>
/// Temporal's time-skipping test server (the Java SDK's), where a week of workflow timers passes in a moment. Its
/// binary comes from TEMPORAL_TEST_SERVER_PATH (tests/services.sh exports it), else from the project's offline copy
/// in ../shared/tools/temporal (its install.sh unpacks it into a cache folder), else the SDK downloads one (which
/// needs the internet). It knows no Schedules (CreateSchedule is unimplemented there): those run on the dev server.
/// </summary>
public static class TimeSkippingServer
{
    /// <summary>A fresh test server with the project's data converter; dispose it at the end of the test.</summary>
    public static async Task<WorkflowEnvironment> StartAsync()
    {
        var env = await WorkflowEnvironment.StartTimeSkippingAsync(new()
        {
            DataConverter = CampaignJson.DataConverter,
            TestServer = new() { ExistingPath = await LocateAsync().ConfigureAwait(false) },
        }).ConfigureAwait(false);
        try
        {
            // The campaign's search attributes, where the test server keeps a registry (it may accept any without one).
            await env.Client.Connection.OperatorService.AddSearchAttributesAsync(new()
            {
                Namespace = env.Client.Options.Namespace,
                SearchAttributes =
                {
                    [CampaignSearch.CampaignId.Name] = Temporalio.Api.Enums.V1.IndexedValueType.Keyword,
                    [CampaignSearch.CampaignStatus.Name] = Temporalio.Api.Enums.V1.IndexedValueType.Keyword,
                },
            }).ConfigureAwait(false);
        }
        catch (Temporalio.Exceptions.RpcException e) when (e.Code is Temporalio.Exceptions.RpcException.StatusCode.Unimplemented or Temporalio.Exceptions.RpcException.StatusCode.AlreadyExists)
        {
        }

        return env;
    }

    /// <summary>Where the test server binary is; null: the SDK's download.</summary>
    public static async Task<string?> LocateAsync()
    {
        if (Environment.GetEnvironmentVariable("TEMPORAL_TEST_SERVER_PATH") is { Length: > 0 } set && File.Exists(set))
        {
            return set;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Campaigns.sln")))
        {
            dir = dir.Parent;
        }

        var installer = dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "tools", "temporal", "install.sh"));
        if (installer is null || !File.Exists(installer))
        {
            return null;
        }

        // install.sh prints TEMPORAL_CLI_PATH=… and TEMPORAL_TEST_SERVER_PATH=… (it keeps an intact install).
        using var process = Process.Start(new ProcessStartInfo("bash", [installer]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        _ = await stderr.ConfigureAwait(false);
        const string Key = "TEMPORAL_TEST_SERVER_PATH=";
        var path = (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith(Key, StringComparison.Ordinal))?[Key.Length..];
        return process.ExitCode == 0 && path is { Length: > 0 } && File.Exists(path) ? path : null;
    }
}
