using System.Globalization;
using Campaigns.Workflows.Contract;
using NodaTime;
using Xunit.Abstractions;

namespace Campaigns.Workflows.Tests.Mocked;

/// <summary>
/// The calling window across days, with the activities mocked: a campaign started outside its window dials nothing
/// until it opens, stops at its end, and goes on when it opens the next day; the instants are the workflow time at
/// which the fake's batches ran.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TimeSkippingTests.Name)]
public sealed class CallingWindowMockedTests(TimeSkippingFixture server, ITestOutputHelper output) : IClassFixture<TimeSkippingFixture>
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public async Task StartedOutsideItsWindow_DialsNothingUntilItOpens_StopsAtItsEnd_GoesOnTheNextDay()
    {
        // A 30-second window two hours ahead (local time, whole minute): at 1 call/s, batches of 5 every 5 s, so the
        // window holds about 35 of the 50 targets a day.
        var now = new DateTimeOffset(DateTime.SpecifyKind(await server.Env.GetCurrentTimeAsync(), DateTimeKind.Utc));
        var local = Instant.FromDateTimeOffset(now.AddHours(2)).InZone(Shanghai).LocalDateTime;
        var start = new LocalTime(local.Hour, local.Minute);
        var fake = new FakeCampaignActivities();
        var id = MockedCampaign.NewId("window");
        var window = $$""", "rate": { "maxCallsPerSecond": 1 }, "callingWindow": { "timeZone": "Asia/Shanghai", "start": "{{start:HH:mm:ss}}", "end": "{{start.PlusSeconds(30):HH:mm:ss}}" }""";
        await using var c = await MockedCampaign.StartAsync(server.Env, fake, output, id, MockedCampaign.Json(id, 50, window));

        // Registered at once, nothing dispatched while the window is closed.
        await MockedCampaign.UntilAsync(() => !fake.Registrations.IsEmpty, "the registration");
        var before = await c.Handle.QueryAsync(wf => wf.Progress);
        Assert.Equal(0, before.Dispatched);
        Assert.Empty(fake.Batches);

        var result = await c.ResultAsync();

        Assert.Equal(CampaignStatuses.Completed, result.Status);
        Assert.Equal(50, result.Finished);
        var opens = Shanghai.AtStrictly(local.Date.At(start)).ToDateTimeOffset();
        var days = fake.Dialing.GroupBy(b => (int)Math.Floor((b.At - opens).TotalDays)).OrderBy(g => g.Key).ToList();
        foreach (var day in days)
        {
            c.Print($"day {day.Key}: {day.Sum(b => b.Held.Count)} dialed in batches at "
                + string.Join(", ", day.Select(b => Instant.FromDateTimeOffset(b.At).InZone(Shanghai).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))) + " Asia/Shanghai");
        }

        // Every dial inside a day's window [start, start + 30 s); the first when it first opens; two days.
        Assert.All(fake.Dials, d =>
        {
            var at = Instant.FromDateTimeOffset(d.At).InZone(Shanghai).TimeOfDay;
            Assert.True(at >= start && at < start.PlusSeconds(30), $"target {d.Seq} dialed at {at} local, window {start}-{start.PlusSeconds(30)}");
        });
        Assert.True(fake.Dials.Min(d => d.At) - opens < TimeSpan.FromSeconds(1), $"first dial at {fake.Dials.Min(d => d.At):O}, the window opened at {opens:O}");
        Assert.Equal([0, 1], days.Select(d => d.Key));
        Assert.True(days[0].Sum(b => b.Held.Count) is > 0 and < 50);
        Assert.True(days[1].Min(b => b.At) - opens.AddDays(1) < TimeSpan.FromSeconds(1), "the second day began when the window opened");
        Assert.Equal(50, fake.Dials.Select(d => d.Seq).Distinct().Count());
        Assert.Equal(50, fake.Dials.Count);
        await c.AssertReplaysAsync();
    }
}
