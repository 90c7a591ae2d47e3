using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Client;
using Temporalio.Testing;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The time-skipping test server's clock, for the worker, its store and the simulator: the wall clock moved on by what
/// the test skipped. The test skips only while no batch runs (<see cref="SkipToNextTimerAsync"/>), so between skips the
/// server's clock and this one run together; the offset moves before the server's does, so the first activity after a
/// skip already reads the new time.
/// </summary>
internal sealed class SkippedClock(WorkflowEnvironment env) : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    /// <summary>Sets the offset from the server's own clock.</summary>
    public async Task SyncAsync()
    {
        var server = new DateTimeOffset(await env.GetCurrentTimeAsync(), TimeSpan.Zero);
        Interlocked.Exchange(ref offsetTicks, (server - System.GetUtcNow()).Ticks);
    }

    /// <summary>Skips server time by <paramref name="by"/>, this clock first.</summary>
    public async Task SkipAsync(TimeSpan by)
    {
        Interlocked.Add(ref offsetTicks, by.Ticks);
        await env.DelayAsync(by);
        await SyncAsync();
    }

    /// <summary>
    /// Once the workflow is idle (its last task completed, no activity open), skips to just after its earliest open
    /// timer; false when the workflow has ended. Never skips while an activity runs: its heartbeat timeout would fire.
    /// </summary>
    public async Task<bool> SkipToNextTimerAsync(WorkflowHandle handle, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long stuckTask = 0;
        var stuckSince = DateTime.MaxValue;
        while (true)
        {
            var events = (await handle.FetchHistoryAsync()).Events.ToList();

            // A workflow task started whose answer never reaches the server (a poll answer lost on a loaded machine)
            // is timed out by the server after 10 s of *its* time, and the test server's time stands still between
            // skips: such a task would hang the test. After 20 s of real time it is helped on by a skip past that
            // timeout (no activity is open, so nothing else times out); the server schedules the task again.
            var last = events[^1];
            if (last.EventType == EventType.WorkflowTaskStarted && OpenActivities(events) == 0)
            {
                if (last.EventId != stuckTask)
                {
                    (stuckTask, stuckSince) = (last.EventId, DateTime.UtcNow);
                }
                else if (DateTime.UtcNow - stuckSince > TimeSpan.FromSeconds(20))
                {
                    await SkipAsync(TimeSpan.FromSeconds(11));
                    stuckSince = DateTime.MaxValue;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{handle.Id} never became idle with a timer open within {timeout}: last event {events[^1].EventType}, {OpenActivities(events)} activities open, " +
                    $"next timer {NextTimer(events):O}, now {GetUtcNow():O}");
            }

            if (events.Any(e => e.EventType is EventType.WorkflowExecutionCompleted or EventType.WorkflowExecutionFailed
                or EventType.WorkflowExecutionCanceled or EventType.WorkflowExecutionTerminated or EventType.WorkflowExecutionContinuedAsNew))
            {
                return false;
            }

            // Idle: its last workflow task completed (the commands' events follow that one) and none is scheduled since.
            var lastTask = events.LastOrDefault(e => e.EventType is EventType.WorkflowTaskScheduled or EventType.WorkflowTaskStarted
                or EventType.WorkflowTaskCompleted or EventType.WorkflowTaskFailed or EventType.WorkflowTaskTimedOut);
            if (lastTask?.EventType == EventType.WorkflowTaskCompleted && OpenActivities(events) == 0 && NextTimer(events) is { } fires)
            {
                var now = GetUtcNow();
                if (fires > now)
                {
                    await SkipAsync(fires - now + TimeSpan.FromMilliseconds(5));
                }

                return true;
            }

            await Task.Delay(50);
        }
    }

    private static int OpenActivities(IReadOnlyList<HistoryEvent> events)
    {
        var scheduled = events.Where(e => e.EventType == EventType.ActivityTaskScheduled).Select(e => e.EventId).ToHashSet();
        foreach (var e in events)
        {
            scheduled.Remove(e.EventType switch
            {
                EventType.ActivityTaskCompleted => e.ActivityTaskCompletedEventAttributes.ScheduledEventId,
                EventType.ActivityTaskFailed => e.ActivityTaskFailedEventAttributes.ScheduledEventId,
                EventType.ActivityTaskTimedOut => e.ActivityTaskTimedOutEventAttributes.ScheduledEventId,
                EventType.ActivityTaskCanceled => e.ActivityTaskCanceledEventAttributes.ScheduledEventId,
                _ => -1,
            });
        }

        return scheduled.Count;
    }

    private static DateTimeOffset? NextTimer(IReadOnlyList<HistoryEvent> events)
    {
        var open = events.Where(e => e.EventType == EventType.TimerStarted)
            .ToDictionary(e => e.TimerStartedEventAttributes.TimerId, e => e.EventTime.ToDateTimeOffset() + e.TimerStartedEventAttributes.StartToFireTimeout.ToTimeSpan());
        foreach (var e in events)
        {
            if (e.EventType == EventType.TimerFired)
            {
                open.Remove(e.TimerFiredEventAttributes.TimerId);
            }
            else if (e.EventType == EventType.TimerCanceled)
            {
                open.Remove(e.TimerCanceledEventAttributes.TimerId);
            }
        }

        return open.Count == 0 ? null : open.Values.Min();
    }
}
