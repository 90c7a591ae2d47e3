using Campaigns.Activities.Batches;
using Campaigns.Storage.Model;
using Campaigns.TencentCall.Models;
using Campaigns.Workflows.Contract;

namespace Campaigns.Activities.Tests;

/// <summary>What a callee's outcome says from the start's ResultCodes and the call's record (pure logic).</summary>
public sealed class OutcomesTests
{
    private static readonly CallAttempt Attempt = new() { AttemptKey = "k1", CampaignId = "c1" };
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void No_ResultCode_and_an_unanswered_Cancel_record_leave_the_ring_unknown()
    {
        // An OK start with a CallId but no CallResult: who was rung is unknown, and Cancel is also what the
        // vendor writes when nobody could be rung, so the outcome must not read as a ring that was cancelled.
        var target = new Target(1, ["alice", "bob"]);
        var outcomes = Outcomes.Of(Attempt, target, "call-1", new Dictionary<string, long>(), Record(CallResultKind.Cancel, "Cancel"), Now);

        Assert.All(outcomes, o => Assert.Equal(Results.RingUnknown, o.Result));
        Assert.All(outcomes, o => Assert.Equal("Cancel", o.RawResult)); // the record's own word stays for audit
        Assert.Equal(Results.RingUnknown, Outcomes.TargetResult(outcomes));
    }

    [Fact]
    public void A_ResultCode_of_0_confirms_the_ring_so_Cancel_stays_Cancel()
    {
        var outcomes = Outcomes.Of(Attempt, new Target(1, ["alice"]), "call-1", new Dictionary<string, long> { ["alice"] = 0 }, Record(CallResultKind.Cancel, "Cancel"), Now);
        Assert.Equal("Cancel", Assert.Single(outcomes).Result);
    }

    [Fact]
    public void Without_a_ResultCode_a_result_only_a_ring_produces_is_kept()
    {
        var outcomes = Outcomes.Of(Attempt, new Target(1, ["alice"]), "call-1", new Dictionary<string, long>(), Record(CallResultKind.NotAnswer, "NotAnswer"), Now);
        Assert.Equal("NotAnswer", Assert.Single(outcomes).Result);
    }

    [Fact]
    public void A_non_zero_ResultCode_is_NotRung_whatever_the_record_says()
    {
        var codes = new Dictionary<string, long> { ["alice"] = 70107, ["bob"] = 0 };
        var outcomes = Outcomes.Of(Attempt, new Target(1, ["alice", "bob"]), "call-1", codes, Record(CallResultKind.Cancel, "Cancel"), Now);
        Assert.Equal([Results.NotRung, "Cancel"], outcomes.Select(o => o.Result));
        Assert.Equal("Cancel", Outcomes.TargetResult(outcomes));
    }

    private static CallRecord Record(CallResultKind result, string raw) => new()
    {
        CallId = "call-1",
        Result = result,
        RawResult = raw,
        StartTime = Now,
        EndTime = Now.AddSeconds(3),
    };
}
