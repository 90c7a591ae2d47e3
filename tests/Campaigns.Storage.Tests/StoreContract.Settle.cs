using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <content>SettleAsync: a call's outcomes and the move to Settled in one transaction, with every guard of the two calls it replaces.</content>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Settle_StoresEachCalleesOutcome_AndMovesDialedToSettled()
    {
        await Store.AddTargetsAsync(Campaign, Callees("b;a"));
        var attempt = await DialedAttemptAsync(1, "a");

        var settled = await Store.SettleAsync(attempt.AttemptKey, [OutcomeOf(attempt, "b", "Reject"), OutcomeOf(attempt, "a")]);

        Assert.Equal((AttemptState.Settled, false), (settled.State, settled.Refused));
        Assert.NotNull(settled.SettledAt);
        Assert.Equal(AttemptState.Settled, (await Store.GetAttemptAsync(attempt.AttemptKey))!.State);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "NormalEnd", ["b"] = "Reject" }, await Store.GetAttemptResultsAsync(attempt.AttemptKey));
        var rows = await ExportAsync();
        Assert.Equal(["a/NormalEnd/60000/call-1-1", "b/Reject//call-1-1"], rows.Select(r => $"{r.Callee}/{r.Result}/{r.DurationMs}/{r.CallId}"));
    }

    [Fact]
    public async Task Settle_Repeated_IsNotRefused_AndLeavesOneRowPerCallee()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var attempt = await DialedAttemptAsync(1, "a");

        var first = await Store.SettleAsync(attempt.AttemptKey, [OutcomeOf(attempt, "a")]);
        var again = await Store.SettleAsync(attempt.AttemptKey, [OutcomeOf(attempt, "a", "Reject")]);

        Assert.Equal((AttemptState.Settled, false), (again.State, again.Refused));
        Assert.Equal(first.SettledAt, again.SettledAt);
        Assert.Equal("Reject", Assert.Single(await ExportAsync()).Result);
    }

    [Fact]
    public async Task Settle_UnknownAfterAFinalResult_KeepsTheFinal()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var attempt = await DialedAttemptAsync(1, "a");
        await Store.UpsertOutcomesAsync([OutcomeOf(attempt, "a", "Reject")]);

        var settled = await Store.SettleAsync(attempt.AttemptKey, [OutcomeOf(attempt, "a", "Unknown")]);

        Assert.Equal((AttemptState.Settled, false), (settled.State, settled.Refused));
        Assert.Equal("Reject", Assert.Single(await ExportAsync()).Result);
    }

    [Theory]
    [InlineData("call", "dialed as CallId 'call-1-1', not 'call-9'")]
    [InlineData("campaign", "belongs to campaign 'spring-promo', not 'autumn'")]
    [InlineData("callee", "the callee is not in the attempt's target")]
    public async Task Settle_AnOutcomeNotMatchingTheAttempt_IsRefusedNamingIt_WritesNothing_AndDoesNotSettle(string wrong, string reason)
    {
        await Store.RegisterCampaignAsync("autumn", "campaign-autumn", "{}");
        await Store.AddTargetsAsync(Campaign, Callees("a;b", "c"));
        var attempt = await DialedAttemptAsync(1, "a");
        var good = OutcomeOf(attempt, "a");
        var bad = wrong switch
        {
            "call" => OutcomeOf(attempt, "b") with { CallId = "call-9" },
            "campaign" => OutcomeOf(attempt, "b") with { CampaignId = "autumn" },
            _ => OutcomeOf(attempt, "c"),
        };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SettleAsync(attempt.AttemptKey, [good, bad]));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Empty(await ExportAsync());
        Assert.Equal(AttemptState.Dialed, (await Store.GetAttemptAsync(attempt.AttemptKey))!.State);
    }

    [Fact]
    public async Task Settle_AnOutcomeOfAnotherAttempt_IsRefusedBeforeWriting()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b"));
        var first = await DialedAttemptAsync(1, "a");
        var second = await DialedAttemptAsync(2, "b");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.SettleAsync(first.AttemptKey, [OutcomeOf(first, "a"), OutcomeOf(second, "b")]));

        Assert.Contains($"outcomes[1] (callee 'b') is of attempt '{second.AttemptKey}', not '{first.AttemptKey}'", e.Message, StringComparison.Ordinal);
        Assert.Empty(await ExportAsync());
        Assert.Equal(AttemptState.Dialed, (await Store.GetAttemptAsync(first.AttemptKey))!.State);
    }

    [Fact]
    public async Task Settle_AnAttemptNotDialed_IsRefusedVisibly_OrItsOutcomesRefused()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a", "b", "c"));
        var intended = await Store.RecordIntentAsync(Campaign, 1, 1);
        var claimed = (await Store.ClaimDialAsync((await Store.RecordIntentAsync(Campaign, 2, 1)).AttemptKey, "mine")).Attempt;
        var failed = await Store.MarkFailedAsync((await Store.RecordIntentAsync(Campaign, 3, 1)).AttemptKey, 101002, "invalid");

        // No outcomes: the move alone, refused from any state but Dialed, the stored attempt coming back.
        var fromIntended = await Store.SettleAsync(intended.AttemptKey, []);
        var fromDialing = await Store.SettleAsync(claimed.AttemptKey, []);

        // An outcome of an attempt never dialed is refused as UpsertOutcomes refuses it: nothing written.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SettleAsync(intended.AttemptKey, [OutcomeOf(intended, "a")]));

        // A failed start's outcome (no CallId) is stored, as UpsertOutcomes would; the move is refused.
        var fromFailed = await Store.SettleAsync(failed.AttemptKey, [OutcomeOf(failed, "c", "NotPlaced")]);

        Assert.Equal((AttemptState.Intended, true), (fromIntended.State, fromIntended.Refused));
        Assert.Equal((AttemptState.Dialing, true, "mine"), (fromDialing.State, fromDialing.Refused, fromDialing.ClaimToken));
        Assert.Contains("the attempt is intended, not dialed", e.Message, StringComparison.Ordinal);
        Assert.Equal((AttemptState.Failed, true), (fromFailed.State, fromFailed.Refused));
        Assert.Equal(("c", "NotPlaced"), Assert.Single(await ExportAsync()) is var row ? (row.Callee, row.Result) : default);
        Assert.Equal(AttemptState.Intended, (await Store.GetAttemptAsync(intended.AttemptKey))!.State);
    }

    [Fact]
    public async Task Settle_AnUnknownAttemptKey_Throws()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SettleAsync("nosuchkey", []));

        Assert.Contains("'nosuchkey' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settle_StoresTimesAsUpsertOutcomesDoes()
    {
        // Sub-microsecond ticks: the per-call path passes its rows another way than the bulk path on PostgreSQL.
        await Store.AddTargetsAsync(Campaign, Callees("a", "b"));
        var first = await DialedAttemptAsync(1, "a");
        var second = await DialedAttemptAsync(2, "b");
        var start = DateTimeOffset.FromUnixTimeSeconds(1700000000).AddTicks(1_234_567);
        var end = start.ToOffset(TimeSpan.FromHours(8)).AddMinutes(1);

        await Store.SettleAsync(first.AttemptKey, [OutcomeOf(first, "a") with { StartTime = start, EndTime = end, AcceptTime = null }]);
        await Store.UpsertOutcomesAsync([OutcomeOf(second, "b") with { StartTime = start, EndTime = end, AcceptTime = null }]);

        var rows = await ExportAsync();
        Assert.Equal(rows[1].StartTime, rows[0].StartTime);
        Assert.Equal(rows[1].EndTime, rows[0].EndTime);
        Assert.Equal((null, null), (rows[0].AcceptTime, rows[1].AcceptTime));
        Assert.InRange((start - rows[0].StartTime!.Value).Ticks, 0, 9);
    }

    [Fact]
    public async Task Settle_EightConcurrentCallers_OnTheSameAttempts_InDifferentOrders_NoErrorOneRowEach()
    {
        const int n = 24;
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, n).Select(i => (IReadOnlyList<string>)["c" + i, "d" + i])]);
        var dialed = new List<CallAttempt>();
        foreach (var intent in await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, n).Select(s => (s, 1))]))
        {
            dialed.Add(await Store.MarkDialedAsync(intent.AttemptKey, "call-" + intent.TargetSeq, new Dictionary<string, long>()));
        }

        var second = SecondStore();
        var results = await Bounded(Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            // Each caller settles every attempt, starting at its own place, half of them backwards.
            var store = w % 2 == 0 ? Store : second;
            var order = dialed.Skip(w * 3).Concat(dialed.Take(w * 3)).ToList();
            if (w % 4 >= 2)
            {
                order.Reverse();
            }

            var settled = new List<CallAttempt>();
            foreach (var a in order)
            {
                var i = a.TargetSeq - 1;
                settled.Add(await store.SettleAsync(a.AttemptKey, [OutcomeOf(a, "d" + i, "Reject"), OutcomeOf(a, "c" + i)]));
            }

            return settled;
        }))));

        Assert.All(results.SelectMany(r => r), a => Assert.Equal((AttemptState.Settled, false), (a.State, a.Refused)));
        var p = await Store.GetProgressAsync(Campaign);
        Assert.Equal(n, p.AttemptsByState[AttemptState.Settled]);
        Assert.Equal((n, n), (p.OutcomesByResult["NormalEnd"], p.OutcomesByResult["Reject"]));
        Assert.Equal(2 * n, await CountExportedAsync());
        Assert.Equal((0, 0), (Retries(Store), Retries(second)));
    }

    [Fact]
    public async Task RecordIntents_ABatchLargerThanTheDialers_GivesTheSameAnswers()
    {
        // Up to 100 rows (a dialer's batch) and more travel differently on PostgreSQL: both check the
        // do-not-call list, refuse a missing target and report which intents this call created.
        await Store.AddTargetsAsync(Campaign, [.. Enumerable.Range(0, 150).Select(i => (IReadOnlyList<string>)["c" + i])]);
        await Store.AddDoNotCallAsync(["c7", "c120"]);
        await Store.RecordIntentsAsync(Campaign, [(1, 1), (130, 1)]);

        var small = await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(1, 100).Select(s => (s, 1))]);
        var large = await Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(41, 110).Select(s => (s, 1))]);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RecordIntentsAsync(Campaign, [.. Enumerable.Range(100, 101).Select(s => (s, 2))]));

        Assert.Equal(99, small.Count(a => a.Created));
        Assert.Equal(AttemptState.Skipped, small[7].State);
        Assert.Equal(49, large.Count(a => a.Created));
        Assert.False(large.Single(a => a.TargetSeq == 130).Created);
        Assert.Equal((AttemptState.Skipped, "do-not-call: c120"), large.Single(a => a.TargetSeq == 121) is var s ? (s.State, s.ErrorInfo) : default);
        Assert.Contains("target 151 of campaign 'spring-promo' does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAttemptAsync(AttemptKey.For(Campaign, 100, 2)));
    }
}
