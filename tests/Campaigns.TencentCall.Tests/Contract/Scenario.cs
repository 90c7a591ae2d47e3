using Campaigns.Simulator;
using Campaigns.TencentCall.Errors;

namespace Campaigns.TencentCall.Tests.Contract;

/// <summary>A fast, predictable simulator set-up shared by the contract tests.</summary>
internal static class Scenario
{
    /// <summary>
    /// Ten simulated seconds per real second; a callee's id prefix decides its behaviour. Rings last 5 s
    /// (0.5 s real), talks 10 s (1 s real), records appear 5 s (0.5 s real) after the end.
    /// </summary>
    public static void Fast(SimulatorOptions o)
    {
        o.TimeScale = 10;
        o.Scenario.RingMinSeconds = o.Scenario.RingMaxSeconds = 5;
        o.Scenario.TalkMinSeconds = o.Scenario.TalkMaxSeconds = 10;
        o.Scenario.Forced["answer-"] = CalleeBehaviour.Answer;
        o.Scenario.Forced["reject-"] = CalleeBehaviour.Reject;
        o.Scenario.Forced["busy-"] = CalleeBehaviour.Busy;
        o.Scenario.Forced["offline-"] = CalleeBehaviour.Offline;
        o.Scenario.Forced["noanswer-"] = CalleeBehaviour.NotAnswer;

        // Predictable: every callee rung, every answer complete, every record on time (tests of the
        // harsh knobs turn them on themselves).
        o.Scenario.NotRungRate = 0;
        o.Scenario.NoCallResultRate = 0;
        o.Records.DelaySpread = 0;
        o.Records.LateRate = 0;
        o.Records.MissingRate = 0;
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, double seconds = 10)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }

    /// <summary>Reads a record, answering null while it does not exist yet.</summary>
    public static async Task<Models.CallRecord?> RecordOrNullAsync(ITencentCallClient client, string callId)
    {
        try
        {
            return await client.GetRecordByCallIdAsync(callId);
        }
        catch (TencentCallException e) when (e.Kind == TencentErrorKind.NotFoundYet)
        {
            return null;
        }
    }
}
