using System.Globalization;
using Campaigns.Workflows.Contract;

namespace Campaigns.Demo;

/// <summary>
/// The demo's campaign: <c>cust-0001</c>… rung one by one, the last tenth in group calls of three, no-answers and
/// busy lines dialed again, and one callee on the do-not-call list.
/// </summary>
public static class SampleCampaign
{
    /// <summary>The robot placing the calls.</summary>
    public const string Robot = "demo-robot";

    /// <summary>Fewest callees (one group call of three and some 1v1 calls).</summary>
    public const int MinCallees = 10;

    /// <summary>Most callees: inline targets stop at 10,000 (larger campaigns import their targets first).</summary>
    public const int MaxCallees = 10_000;

    /// <summary>The callee put on the do-not-call list before the campaign starts: it is never rung (Skipped).</summary>
    public const string DoNotCall = "cust-0002";

    /// <summary>A fresh campaign id, so every run's campaign is its own.</summary>
    public static string NewId() =>
        "demo-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];

    /// <summary>The campaign of <paramref name="callees"/> callees.</summary>
    public static CampaignSpec Build(string campaignId, int callees)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callees, MinCallees);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(callees, MaxCallees);
        var ids = Enumerable.Range(1, callees).Select(i => "cust-" + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        var grouped = Math.Max(1, callees / 30) * 3;
        return new CampaignSpec
        {
            CampaignId = campaignId,
            RobotAccount = Robot,
            Callees = ids[..^grouped],
            Groups = [.. ids[^grouped..].Chunk(3).Select(g => (IReadOnlyList<string>)g)],
            UserData = "Campaigns demo",
            // About 10 s for the first pass whatever the size (redials come on top), so the demo ends in about a minute.
            Rate = new RateSpec { MaxCallsPerSecond = Math.Clamp(callees / 10, 5, 200) },
            Redial = new RedialSpec
            {
                MaxAttempts = 3,
                Rules = [new RedialRule { Result = "NotAnswer", DelaySeconds = 2 }, new RedialRule { Result = "CallBusy", DelaySeconds = 2 }],
            },
        };
    }
}
