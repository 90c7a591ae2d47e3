using Campaigns.TencentCall.UserSig;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.Observability.Tests;

/// <summary>
/// What an operator sees of a running worker: its two Prometheus endpoints and its log lines, scraped and
/// captured while a real campaign runs (dev server, simulator, PostgreSQL). One class: the tests run one
/// after the other, so the process-wide meters move for one campaign at a time.
/// </summary>
public sealed class WorkerObservabilityTests
{
    [Fact]
    public async Task Product_and_sdk_metrics_move_during_a_campaign()
    {
        var productPort = WorkerUnderTest.FreePort();
        var sdkPort = WorkerUnderTest.FreePort();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Campaigns:Metrics:PrometheusUrl"] = $"http://127.0.0.1:{productPort}/metrics",
            ["Temporal:MetricsPrometheus"] = $"127.0.0.1:{sdkPort}",
        });
        var product = new Uri($"http://127.0.0.1:{productPort}/metrics");
        var sdk = new Uri($"http://127.0.0.1:{sdkPort}/metrics");

        var before = await Scrape.FromAsync(product);
        const int callees = 60;
        var spec = WorkerUnderTest.Campaign(callees);
        var handle = await worker.Campaigns.StartAsync(spec);
        var result = handle.GetResultAsync();

        // During: scrape until calls are being placed while the campaign still runs.
        Scrape? during = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!result.IsCompleted && DateTime.UtcNow < deadline)
        {
            var now = await Scrape.FromAsync(product);
            if (now.Sum("campaigns_calls_placed_total") > before.Sum("campaigns_calls_placed_total") && !result.IsCompleted)
            {
                during = now;
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(during is not null, "no scrape saw calls placed while the campaign ran");
        Assert.True(during.Sum("campaigns_tencent_requests_total", "api=\"start_call_by_robot\"") > before.Sum("campaigns_tencent_requests_total", "api=\"start_call_by_robot\""));
        var progress = await result;
        Assert.Equal(callees, progress.Finished);

        var after = await Scrape.FromAsync(product);
        double Delta(string name, params string[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(callees, Delta("campaigns_outcomes_total"));
        Assert.True(Delta("campaigns_outcomes_total", "result=\"NormalEnd\"") > 0, after.Text);
        Assert.True(Delta("campaigns_calls_placed_total") > during.Sum("campaigns_calls_placed_total") - before.Sum("campaigns_calls_placed_total"), "calls placed did not move on after the first scrape");
        Assert.Equal(Delta("campaigns_calls_placed_total"), Delta("campaigns_tencent_requests_total", "api=\"start_call_by_robot\"", "code=\"0\""));
        Assert.True(Delta("campaigns_tencent_requests_total", "api=\"get_call_info\"") > 0);
        Assert.True(Delta("campaigns_tencent_requests_total", "api=\"get_record_by_callid\"") > 0);
        Assert.True(Delta("campaigns_budget_requests_total", "api=\"start_call_by_robot\"") >= callees);
        Assert.Contains(after.Samples, s => s.Name == "campaigns_budget_wait_seconds_bucket" && s.Labels.Contains("le=\"0.01\"", StringComparison.Ordinal));
        Assert.True(after.Has("campaigns_tencent_request_duration_seconds_bucket"), after.Text);
        Assert.Contains(after.Samples, s => s.Name.StartsWith("campaigns_budget_limit", StringComparison.Ordinal) && s.Labels.Contains("api=\"start_call_by_robot\"", StringComparison.Ordinal) && s.Value == 180);
        Assert.True(after.Has("campaigns_calls_watched"), after.Text);

        // The Temporal SDK's own endpoint: workflows completed and activities timed on this worker.
        var temporal = await Scrape.FromAsync(sdk);
        Assert.True(temporal.Has("temporal_workflow_completed"), temporal.Text);
        Assert.True(temporal.Has("temporal_activity_execution_latency"), temporal.Text);
        Assert.True(temporal.Samples.Where(s => s.Name.StartsWith("temporal_workflow_completed", StringComparison.Ordinal)).Sum(s => s.Value) >= 1);
    }

    [Fact]
    public async Task Log_lines_carry_campaign_attempt_and_call_scopes_and_no_secret()
    {
        using var logs = new ScopedLogCapture();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" }, logs);
        var spec = WorkerUnderTest.Campaign(12);
        var progress = await (await worker.Campaigns.StartAsync(spec)).GetResultAsync();
        Assert.Equal(12, progress.Finished);

        var lines = logs.Lines;
        var ofCampaign = lines.Where(l => l.Scope.TryGetValue("CampaignId", out var id) && id == spec.CampaignId).ToList();
        Assert.NotEmpty(ofCampaign);
        Assert.All(ofCampaign, l => Assert.Matches("^[A-Za-z0-9_-]{8,}$", l.Scope["AttemptKey"]));
        Assert.Contains(ofCampaign, l => l.Scope.ContainsKey("CallId") && l.Scope["CallId"].Length > 0);
        Assert.Contains(ofCampaign, l => l.ScopeText.Contains("campaign " + spec.CampaignId + " attempt ", StringComparison.Ordinal));
        // The watcher's own polls carry the call they are about.
        Assert.Contains(lines, l => l.Category.EndsWith("TencentTransport", StringComparison.Ordinal) && l.Text.Contains("get_call_info", StringComparison.Ordinal) && l.Scope.ContainsKey("CallId"));

        // Never a secret: neither the SecretKey nor the UserSig the worker signed with, nor any usersig= value.
        var userSig = worker.Host.Services.GetRequiredService<IUserSigProvider>().Current();
        var secret = worker.Simulator.Options.SecretKey;
        foreach (var line in lines)
        {
            var all = line.Text + " " + line.ScopeText + " " + string.Join(' ', line.Scope.Values);
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
            Assert.DoesNotContain(userSig, all, StringComparison.Ordinal);
            Assert.DoesNotMatch("(?i)usersig=(?!\\*\\*\\*)[^&\\s]", all);
        }
    }
}
