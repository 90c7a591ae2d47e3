using Campaigns.Workflows.Contract;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// Deferred attempts with the activities mocked: attempts a batch could not start come back Deferred, wait in the
/// store (handed back, due now), and a later batch takes them and dials them with the same attempt number; dispatch
/// slows down meanwhile (the worker's back-pressure), and a Deferred is no attempt and no result.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class DeferredMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task DeferredAttempts_TakenFromTheStoreLater_DialedOnceWithTheSameAttemptNumber()
    {
        var fake = new FakeCampaignActivities { DeferOnce = new HashSet<int> { 6, 7, 8, 9, 10 } };
        var id = MockedCampaign.NewId("deferred");
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 20, """, "rate": { "maxCallsPerSecond": 2 }"""));

        var result = await c.ResultAsync();

        var batches = fake.Batches.ToList();
        c.Print("batches: " + string.Join("; ", batches.Select(b => $"+{(b.At - c.StartedAt).TotalSeconds:0.0} s take {b.Input.Take} held {b.Held.Count} "
            + string.Join(",", b.Results.GroupBy(r => r.Result).Select(g => $"{g.Key} {g.Count()}")))));
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(20, result.Finished);
        Assert.Equal(20, result.Attempts); // a Deferred is not an attempt
        Assert.False(result.ByResult.ContainsKey(Results.Deferred));
        Assert.Equal(20, result.ByResult[Results.NormalEnd]);
        var dials = fake.Dials.ToList();
        Assert.Equal(20, dials.Count);
        Assert.All(dials, d => Assert.Equal(1, d.AttemptNo));
        Assert.Equal(20, dials.Select(d => d.Seq).Distinct().Count());

        // Taken by a later batch (a take from the store), after the pause dispatch makes on Deferred results.
        var deferredBy = batches.Single(b => b.Results.Any(r => r.Result == Results.Deferred));
        var takenBy = batches.Single(b => b.Input.Take > 0 && b.Held.Any(i => i.Seq == 6));
        Assert.Equal([6, 7, 8, 9, 10], takenBy.Held.Select(i => i.Seq));
        Assert.True(takenBy.At - deferredBy.At >= TimeSpan.FromSeconds(5), $"taken {(takenBy.At - deferredBy.At).TotalSeconds} s after it was deferred");
        await c.AssertReplaysAsync();
    }
}
