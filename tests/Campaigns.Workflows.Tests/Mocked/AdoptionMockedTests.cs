using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.TestService.V1;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// Continue-as-new while a batch still runs, with the activities mocked: the run switches without waiting for it, the
/// next run adopts it by its token after <c>AdoptAfter</c> (20 s of workflow time), and its attempts are dialed once,
/// by the adopting batch. The history is padded past the time-skipping server's 4 MB threshold (registration and the
/// second batch, 2.2 MB each) while the first batch is held open.
/// </summary>
/// <remarks>
/// The time-skipping server locks its clock while an activity is pending and releases the lock only when the activity
/// completes, fails or times out in a run still open: an activity of a run that continued as new keeps its lock for
/// good (its completion is refused, its timeout timer finds the run closed). The test releases that one lock itself
/// (UnlockTimeSkipping), else time would pass only as fast as the wall clock. The class has a server of its own.
/// </remarks>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class AdoptionMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    [Fact]
    public async Task ContinuedAsNewWhileABatchRuns_NextRunAdoptsItByToken_ItsAttemptsDialedOnce()
    {
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        var fake = new FakeCampaignActivities
        {
            RegisterPaddingBytes = 2_200_000,
            PaddingBytes = (_, items) => items.Count > 0 && items[0].Seq == 51 ? 2_200_000 : 0,
            Hold = (_, items) => items.Count > 0 && items[0].Seq == 1 && Interlocked.Exchange(ref held, 1) == 0 ? gate.Task : Task.FromResult(true),
        };
        var id = MockedCampaign.NewId("adopt");
        // No rate cap: the first batches ramp up, 50 then 100 targets, both dispatched at once.
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 150));
        var firstRun = server.Env.Client.GetWorkflowHandle(c.Handle.Id, (await c.Handle.DescribeAsync()).RunId);

        // The first run continues as new while the batch of targets 1-50 is held open; then that batch stops, dialing nobody.
        await MockedCampaign.UntilAsync(() => fake.Batches.Any(b => b.Held.Count > 0 && b.Held[0].Seq == 51), "the second batch");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await firstRun.DescribeAsync()).Status == WorkflowExecutionStatus.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first run did not continue as new");
            await Task.Delay(10);
        }

        Assert.Equal(WorkflowExecutionStatus.ContinuedAsNew, (await firstRun.DescribeAsync()).Status);
        gate.SetResult(false);
        await MockedCampaign.UntilAsync(() => fake.Batches.Any(b => b.Stopped), "the held batch to stop");
        await server.Env.Client.Connection.TestService.UnlockTimeSkippingAsync(new UnlockTimeSkippingRequest());
        var result = await c.ResultAsync();

        var stopped = fake.Batches.Single(b => b.Stopped);
        var adopting = fake.Batches.Single(b => b.Input.AdoptTokens is { Count: > 0 });
        var secondRunStarted = (await c.Handle.FetchHistoryAsync()).Events.First().EventTime.ToDateTimeOffset();
        c.Print($"{result.Runs} runs; batch {stopped.Input.Token} held targets 1-50 when its run continued as new, adopted by {adopting.Input.Token} "
            + $"{(adopting.At - secondRunStarted).TotalSeconds:0.0} s of workflow time into the next run");
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(2, result.Runs);
        Assert.Equal(150, result.Finished);
        Assert.Equal(150, result.Attempts);
        Assert.Equal([stopped.Input.Token!], adopting.Input.AdoptTokens);
        Assert.Equal(Enumerable.Range(1, 50), adopting.Held.Select(i => i.Seq));
        Assert.True(adopting.At - secondRunStarted >= TimeSpan.FromSeconds(20), "adopted before AdoptAfter");
        Assert.Equal(150, fake.Dials.Count);
        Assert.Equal(150, fake.Dials.Select(d => d.Seq).Distinct().Count());
        Assert.Single(fake.Registrations);
        await c.AssertReplaysAsync(firstRun);
        await c.AssertReplaysAsync();
    }
}
