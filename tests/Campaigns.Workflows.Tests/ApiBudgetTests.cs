using Campaigns.Activities;
using Campaigns.Activities.Budget;
using Campaigns.TencentCall;
using Microsoft.Extensions.Options;

namespace Campaigns.Workflows.Tests;

/// <summary>The worker's share of the vendor's limits (pure logic).</summary>
public sealed class ApiBudgetTests
{
    [Theory]
    [InlineData(RecordsApiGeneration.V4, 1, 180, 180)]
    [InlineData(RecordsApiGeneration.V1, 1, 180, 18)]
    [InlineData(RecordsApiGeneration.V4, 2, 90, 90)]
    [InlineData(RecordsApiGeneration.V1, 4, 45, 4)]
    public void Limits_AreTheVendorsTimesHeadroomSharedByTheFleet(RecordsApiGeneration records, int workers, int starts, int recordRequests)
    {
        using var budget = new ApiBudget(
            Options.Create(new CampaignWorkerOptions { Budget = new BudgetOptions { Workers = workers } }),
            Options.Create(new TencentCallOptions { RecordsApi = records }),
            TimeProvider.System);

        Assert.Equal(starts, budget.LimitOf(BudgetedApi.StartCall));
        Assert.Equal(recordRequests, budget.LimitOf(BudgetedApi.Records));
    }

    [Fact]
    public async Task Gate_NeverLetsMoreThanTheLimitThroughInOneSecond()
    {
        var time = new ManualTime();
        using var gate = new SlidingWindowGate(5, time);
        var passed = new List<DateTimeOffset>();
        for (var i = 0; i < 12; i++)
        {
            var pass = gate.PassAsync(CancellationToken.None);
            while (!pass.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Yield();
            }

            await pass;
            passed.Add(time.GetUtcNow());
        }

        // Any 5 consecutive passes are at least 1/5 s apart, and 6 never fit in one second.
        for (var i = 5; i < passed.Count; i++)
        {
            Assert.True(passed[i] - passed[i - 5] >= TimeSpan.FromSeconds(1), $"pass {i} came {passed[i] - passed[i - 5]} after pass {i - 5}");
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        private readonly List<(DateTimeOffset Due, TaskCompletionSource Done)> waits = [];

        public override DateTimeOffset GetUtcNow()
        {
            lock (waits)
            {
                return now;
            }
        }

        public void Advance(TimeSpan by)
        {
            List<(DateTimeOffset Due, TaskCompletionSource Done)> due;
            lock (waits)
            {
                now += by;
                due = waits.Where(w => w.Due <= now).ToList();
                waits.RemoveAll(due.Contains);
            }

            foreach (var w in due)
            {
                w.Done.TrySetResult();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (owner.waits)
                {
                    owner.waits.Add((owner.now + dueTime, done));
                }

                _ = done.Task.ContinueWith(_ => callback(state), TaskScheduler.Default);
                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
