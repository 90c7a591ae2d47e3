using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Campaigns.TencentCall.UserSig;
using Campaigns.Testing;

namespace Campaigns.Faults.Tests;

/// <summary>
/// A finished campaign's full histories (<c>temporal workflow show --output json</c>, every run) and the worker
/// process's whole log (stdout and stderr, at Trace level, through faults that log errors) hold neither the
/// SecretKey nor any UserSig.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(FaultSuite.Name)]
public sealed partial class SecretsTests
{
    [Fact]
    public async Task HistoriesAndWorkerLogs_HoldNoSecretKeyAndNoUserSig()
    {
        var secret = "sk-" + Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow;
        await using var run = await FaultRun.StartAsync(
        [
            "--Simulator:SecretKey=" + secret,
            "--Simulator:Faults:Error101001Rate=0.1",
            "--Simulator:Faults:PlaceThen502Rate=0.05",
            "--Simulator:Faults:Http502Rate=0.05",
            "--Simulator:Records:MissingRate=0.1",
        ]);
        run.WorkerSettings["TencentCall:SecretKey"] = secret;
        run.WorkerSettings["Logging:LogLevel:Default"] = "Trace";
        run.WorkerSettings["Logging:LogLevel:System.Net.Http"] = "Trace";
        run.WorkerSettings["Logging:LogLevel:Microsoft"] = "Trace";
        run.WorkerSettings["Logging:LogLevel:Temporalio"] = "Trace";
        run.WorkerSettings["Campaigns:Watch:RecordMaxWaitSeconds"] = "10";
        var worker = run.StartWorker();
        var callees = FaultRun.Callees("s", 40);
        var id = await run.StartCampaignAsync(callees, 20);
        var result = await run.ResultAsync(id, TimeSpan.FromMinutes(5));
        Assert.Equal("Completed", result.Status);
        var until = DateTimeOffset.UtcNow;

        var texts = new List<(string Where, string Text)>();
        var workflowId = "campaign-" + id;
        await foreach (var execution in run.Client.ListWorkflowsAsync($"WorkflowId = '{workflowId}'"))
        {
            var (exit, stdout, stderr) = await TemporalCli.RunAsync(
                ["workflow", "show", "--workflow-id", workflowId, "--run-id", execution.RunId, "--output", "json", "--address", run.TemporalAddress]);
            Assert.True(exit == 0, stderr);
            texts.Add(($"history of run {execution.RunId}", stdout));
            texts.Add(($"history of run {execution.RunId}, payloads decoded", DecodedPayloads(stdout)));
        }

        worker.Kill();
        var log = string.Join('\n', worker.Output);
        Assert.True(log.Length > 1000, "the worker logged next to nothing: the search would prove nothing");
        texts.Add(("worker log", log));

        // Every UserSig the worker can have made in this window (it signs for its administrator identifier and
        // caches the result for its lifetime), besides any text shaped like a UserSig that decodes as one.
        var sigs = new List<string>();
        for (var t = since.AddSeconds(-5); t <= until && sigs.Count < 900; t = t.AddSeconds(1))
        {
            sigs.Add(TlsSigV2.Generate(1400000001, "administrator", secret, TimeSpan.FromDays(1), t));
        }

        var found = new List<string>();
        foreach (var (where, text) in texts)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                found.Add($"{where}: the SecretKey");
            }

            foreach (Match m in UserSigParameter().Matches(text))
            {
                found.Add($"{where}: {m.Value[..Math.Min(m.Value.Length, 24)]}…");
            }

            foreach (Match m in UserSigShaped().Matches(text))
            {
                if (TlsSigV2.Decode(m.Value) is not null)
                {
                    found.Add($"{where}: a UserSig {m.Value[..12]}…");
                }
            }

            found.AddRange(sigs.Where(s => text.Contains(s, StringComparison.Ordinal)).Select(_ => $"{where}: the worker's UserSig"));
        }

        Console.WriteLine($"secrets: searched {texts.Count} texts ({texts.Sum(t => t.Text.Length) / 1024} KiB: histories of every run, decoded payloads, the worker's log), {sigs.Count} candidate UserSigs: {found.Count} found");
        Assert.True(found.Count == 0, string.Join("\n", found.Distinct()));
    }

    // The CLI prints payloads as base64 "data": decode each, so a secret inside a payload is seen too.
    private static string DecodedPayloads(string json)
    {
        var decoded = new StringBuilder();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.String && p.Name is "data" or "encoding")
                        {
                            try
                            {
                                decoded.AppendLine(Encoding.UTF8.GetString(Convert.FromBase64String(p.Value.GetString()!)));
                            }
                            catch (FormatException)
                            {
                                decoded.AppendLine(p.Value.GetString());
                            }
                        }
                        else
                        {
                            Walk(p.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement);
        return decoded.ToString();
    }

    // A usersig query parameter with a value other than the client's redaction mark.
    [GeneratedRegex(@"usersig=(?!\*\*\*)[^&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex UserSigParameter();

    // zlib output starts 0x78 0x9C/0xDA, which base64 writes as "eJ": a UserSig is base64 of that.
    [GeneratedRegex(@"eJ[A-Za-z0-9*_\-+/=]{40,}")]
    private static partial Regex UserSigShaped();
}
