using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

/// <summary>The caps' arithmetic alone (pure logic): when a cap frees, and how a campaign's policy meets the app's.</summary>
public sealed class ContactPolicyTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void FreeAt_UnderEveryCap_IsNow()
    {
        Assert.Null(ContactCap.FreeAt([new(1, Day)], [], Now));
        Assert.Null(ContactCap.FreeAt([new(2, Day)], [Now.AddHours(-1)], Now));
        Assert.Null(ContactCap.FreeAt([new(1, Day)], [Now - Day], Now)); // exactly a day ago has left the window
    }

    [Fact]
    public void FreeAt_AtTheCap_IsWhenTheOldestContactThatMattersLeavesTheWindow()
    {
        DateTimeOffset[] contacts = [Now.AddHours(-2), Now.AddHours(-20), Now.AddHours(-5), Now.AddDays(-3)];

        // 3 in the last day with a cap of 2: the 2nd oldest of them (−5 h) must leave before one more may go.
        Assert.Equal(Now.AddHours(-5) + Day, ContactCap.FreeAt([new(2, Day)], contacts, Now));
        // A cap of 1: the newest (−2 h).
        Assert.Equal(Now.AddHours(-2) + Day, ContactCap.FreeAt([new(1, Day)], contacts, Now));
        // Several caps: the latest of their times; a week's cap of 4 holds longest here (−3 days + 7 days).
        Assert.Equal(Now.AddDays(4), ContactCap.FreeAt([new(3, Day), new(4, Day * 7)], contacts, Now));
    }

    [Fact]
    public void Tighten_TakesTheStricterLimitByLimit()
    {
        var app = new ContactPolicy { PerDay = 2, PerWeek = 5, UpdatedAt = Now };
        var campaign = new ContactPolicy { PerDay = 3, PerWeek = 4, Per30Days = 10 };

        var both = app.Tighten(campaign);

        Assert.Equal((2, 4, 10), (both.PerDay, both.PerWeek, both.Per30Days));
        Assert.Equal(app with { UpdatedAt = null }, app.Tighten(null));
        Assert.Equal([("perDay", 3, 2)], app.LooserIn(campaign));
        Assert.Empty(app.LooserIn(new ContactPolicy { PerDay = 1 }));
    }

    [Fact]
    public void Caps_AreRollingWindowsOfTheDaysLength()
    {
        var caps = new ContactPolicy { PerDay = 1, PerWeek = 3, Per30Days = 8 }.Caps(TimeSpan.FromSeconds(60));

        Assert.Equal([new(1, TimeSpan.FromSeconds(60)), new(3, TimeSpan.FromSeconds(420)), new ContactCap(8, TimeSpan.FromSeconds(1800))], caps);
        Assert.Equal("1 per day, 3 per week, 8 per 30 days", new ContactPolicy { PerDay = 1, PerWeek = 3, Per30Days = 8 }.ToString());
    }
}
