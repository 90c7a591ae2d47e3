using System.Text.Json;
using Campaigns.Workflows.Contract;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// The workflow's state is what continue-as-new carries: runs started by earlier code carried the same JSON, so a
/// running campaign's next run must read it, and what the state writes must keep those names.
/// </summary>
public sealed class CampaignStateTests
{
    // What a store-mode run carried before the state became one record (then named CarryOver), as the data converter wrote it.
    private const string CarriedBefore = """
        {"targets":100000,"nextSeq":40001,"progress":{"campaignId":"c1","status":"Paused","targets":100000,"dispatched":40000,"attempts":39000,"finished":38000,"byResult":{"NormalEnd":38000},"unresolved":0,"errored":0,"errors":[],"runs":2},
         "paused":true,"maxCallsPerSecond":50,"fleetStartRate":180,"pending":[],"pendingLeft":12,"nextPendingDue":"2026-12-04T10:00:00+00:00",
         "timeZones":["Asia/Shanghai","America/New_York"],"adopt":[{"token":"b-7","runs":[[39501,500,1]]},{"token":"b-8","runs":null}]}
        """;

    [Fact]
    public void WhatEarlierRunsCarried_ReadsIntoTheState()
    {
        var state = JsonSerializer.Deserialize<CampaignState>(CarriedBefore, CampaignJson.Options)!;

        Assert.Equal(100_000, state.Targets);
        Assert.Equal(40_001, state.NextSeq);
        Assert.Equal(("c1", CampaignStatuses.Paused, 38_000L, 2), (state.Progress.CampaignId, state.Progress.Status, state.Progress.Finished, state.Progress.Runs));
        Assert.True(state.Paused);
        Assert.Equal(50, state.MaxCallsPerSecond);
        Assert.Equal(180, state.FleetStartRate);
        Assert.Equal(12, state.PendingLeft);
        Assert.Equal(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), state.NextPendingDue);
        Assert.Equal(["Asia/Shanghai", "America/New_York"], state.TimeZones);
        Assert.Equal(["b-7", "b-8"], state.Adopt.Select(a => a.Token));
        Assert.Equal([39501, 500, 1], state.Adopt[0].Runs![0]);
        Assert.Null(state.Adopt[1].Runs);
    }

    [Fact]
    public void TheState_WritesTheNamesEarlierRunsRead()
    {
        var state = JsonSerializer.Deserialize<CampaignState>(CarriedBefore, CampaignJson.Options)!;

        using var written = JsonDocument.Parse(JsonSerializer.Serialize(state, CampaignJson.Options));

        var names = written.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        using var before = JsonDocument.Parse(CarriedBefore);
        Assert.Equal(before.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal), names);
        var again = JsonSerializer.Deserialize<CampaignState>(written.RootElement.GetRawText(), CampaignJson.Options)!;
        Assert.Equal((state.Targets, state.NextSeq, state.Paused, state.PendingLeft, state.NextPendingDue), (again.Targets, again.NextSeq, again.Paused, again.PendingLeft, again.NextPendingDue));
        Assert.Equal(state.Progress with { ByResult = again.Progress.ByResult, Errors = again.Progress.Errors }, again.Progress);
    }

    [Fact]
    public void ALegacyChainsPendingList_IsKept()
    {
        var state = JsonSerializer.Deserialize<CampaignState>("""{"targets":3,"nextSeq":4,"pending":[{"seq":2,"attemptNo":2,"dueAt":"2026-12-04T10:00:00+00:00"}]}""", CampaignJson.Options)!;

        Assert.Equal(new PendingAttempt(2, 2, DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), Assert.Single(state.Pending));
        Assert.Empty(state.Adopt);
        Assert.Equal(0, state.PendingLeft);
    }
}
