using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task UpsertOutcomes_UnknownAfterAFinalResult_KeepsTheFinal()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var attempt = await DialedAttemptAsync(1, "a");

        await Store.UpsertOutcomesAsync([OutcomeOf(attempt, "a", "Reject")]);
        await Store.UpsertOutcomesAsync([OutcomeOf(attempt, "a", "Unknown")]);

        Assert.Equal("Reject", Assert.Single(await ExportAsync()).Result);
    }

    [Theory]
    [InlineData("call", "dialed as CallId 'call-1-1', not 'call-9'")]
    [InlineData("campaign", "belongs to campaign 'spring-promo', not 'autumn'")]
    [InlineData("callee", "the callee is not in the attempt's target")]
    [InlineData("intended", "the attempt is intended, not dialed")]
    [InlineData("attempt", "no such attempt")]
    public async Task UpsertOutcomes_NotMatchingADialedAttempt_IsRefusedNamingIt_AndWritesNothing(string wrong, string reason)
    {
        await Store.RegisterCampaignAsync("autumn", "campaign-autumn", "{}");
        await Store.AddTargetsAsync(Campaign, Callees("a", "b"));
        var dialed = await DialedAttemptAsync(1, "a");
        var intended = await Store.RecordIntentAsync(Campaign, 2, 1);
        var good = OutcomeOf(dialed, "a");
        var bad = wrong switch
        {
            "call" => good with { CallId = "call-9" },
            "campaign" => good with { CampaignId = "autumn" },
            "callee" => good with { Callee = "b" },
            "intended" => OutcomeOf(intended, "b"),
            _ => good with { AttemptKey = "nosuchattempt000" },
        };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.UpsertOutcomesAsync([good, bad]));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Empty(await ExportAsync());
    }

    [Fact]
    public async Task UpsertOutcomes_OfAFailedStart_WithoutCallId_IsAccepted()
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        var intent = await Store.RecordIntentAsync(Campaign, 1, 1);
        var failed = await Store.MarkFailedAsync(intent.AttemptKey, 101002, "invalid");

        await Store.UpsertOutcomesAsync([OutcomeOf(failed, "a", "NotPlaced")]);

        var row = Assert.Single(await ExportAsync());
        Assert.Equal(("NotPlaced", null), (row.Result, row.CallId));
    }

    [Fact]
    public async Task SetCampaignStatus_OnlyForward_ARefusedMoveIsVisibleAndChangesNothing()
    {
        var running = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);
        var paused = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Paused);
        var resumed = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);
        var back = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Registered);
        var done = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Completed, """{"answered":1}""");
        var again = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Completed);
        var cancelled = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Cancelled);
        var revived = await Store.SetCampaignStatusAsync(Campaign, CampaignStatus.Running);

        Assert.Equal(
            [(CampaignStatus.Running, false), (CampaignStatus.Paused, false), (CampaignStatus.Running, false), (CampaignStatus.Running, true),
             (CampaignStatus.Completed, false), (CampaignStatus.Completed, false), (CampaignStatus.Completed, true), (CampaignStatus.Completed, true)],
            new[] { running, paused, resumed, back, done, again, cancelled, revived }.Select(r => (r.Status, r.Refused)));
        Assert.Contains("answered", cancelled.Totals, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE call_attempts SET state = 'Dialed'")]
    [InlineData("UPDATE call_attempts SET state = 'dialing', claim_token = NULL")]
    [InlineData("UPDATE campaigns SET status = 'Running'")]
    [InlineData("UPDATE campaigns SET status = 'paused-ish'")]
    public async Task StateSpellings_AreCheckedByTheDatabase(string sql)
    {
        await Store.AddTargetsAsync(Campaign, Callees("a"));
        await Store.RecordIntentAsync(Campaign, 1, 1);

        var e = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteAsync(sql));

        Assert.Contains("check", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AttemptState.Intended, (await Store.GetAttemptAsync(AttemptKey.For(Campaign, 1, 1)))!.State);
        Assert.Equal(CampaignStatus.Registered, (await Store.GetCampaignAsync(Campaign))!.Status);
    }
}
