using Campaigns.Workflows.Contract;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// Redials with the activities mocked: a NotAnswer is dialed again after its rule's delay, measured in workflow time (the
/// time-skipping server's clock, as the fake's batches saw it), never before, and no more than maxAttempts in all.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class RedialTimingMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task NotAnswer_RedialedAfterItsRulesDelay_NotBefore_MaxAttemptsRespected()
    {
        // Targets 1-3 never answer; the rest answer at once. 1800 s between attempts, 3 attempts at most.
        var fake = new FakeCampaignActivities { Outcome = (seq, _) => seq <= 3 ? "NotAnswer" : Results.NormalEnd };
        var id = MockedCampaign.NewId("redial");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(
            id,
            10,
            """, "redial": { "maxAttempts": 3, "rules": [ { "result": "NotAnswer", "delaySeconds": 1800 }, { "result": "CallBusy", "delaySeconds": 60 } ] }"""));

        var result = await c.ResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(10, result.Finished);
        Assert.Equal(10 + 3 + 3, result.Attempts);
        Assert.Equal(9, result.ByResult["NotAnswer"]);
        Assert.Equal(7, result.ByResult[Results.NormalEnd]);
        var dials = fake.Dials.ToList();
        Assert.Equal(dials.Count, dials.Select(d => (d.Seq, d.AttemptNo)).Distinct().Count()); // no attempt dialed twice
        Assert.All(Enumerable.Range(4, 7), seq => Assert.Single(dials, d => d.Seq == seq));
        foreach (var seq in new[] { 1, 2, 3 })
        {
            var times = dials.Where(d => d.Seq == seq).OrderBy(d => d.AttemptNo).ToList();
            Assert.Equal([1, 2, 3], times.Select(d => d.AttemptNo));
            for (var i = 1; i < times.Count; i++)
            {
                var gap = times[i].At - times[i - 1].At;
                c.Print($"target {seq}: attempt {times[i].AttemptNo} {gap.TotalSeconds:0.000} s of workflow time after attempt {times[i - 1].AttemptNo}");
                Assert.True(gap >= TimeSpan.FromSeconds(1800), $"target {seq} redialed {gap.TotalSeconds} s after its NotAnswer");
                Assert.True(gap < TimeSpan.FromSeconds(1800 + 10), $"target {seq} redialed only {gap.TotalSeconds} s after its NotAnswer");
            }
        }

        // The end check (a take that found nothing) ended the campaign, then its status was stored.
        Assert.Contains(fake.Batches, b => b.Input.Take > 0 && b.Held.Count == 0);
        Assert.Equal([CampaignStatuses.Completed], fake.Statuses);
        Assert.Single(fake.Registrations);
        await c.AssertReplaysAsync();
    }
}
