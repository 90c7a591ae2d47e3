namespace Campaigns.Workflows.Contract;

/// <summary>
/// The text a campaign's run shows in the Web UI as its current details (markdown), kept beside the progress it
/// reads. Its first line names the campaign, so a campaign started without <c>CampaignClient</c>'s static summary
/// (the Temporal CLI, another SDK) reads as well; current details are metadata, never history.
/// </summary>
public static class CampaignSummary
{
    /// <summary>The details text for a run's <paramref name="progress"/>.</summary>
    /// <param name="progress">The campaign's counts and status.</param>
    /// <param name="spec">The validated campaign (robot, start and end).</param>
    /// <param name="waiting">Attempts waiting for a redial time, a window or a cap.</param>
    /// <param name="outsideWindow">The calling window when it is closed now, else null.</param>
    /// <param name="waitingToStart">Whether the campaign waits for its <c>startAt</c>.</param>
    public static string Of(CampaignProgress progress, CampaignSpec spec, long waiting, string? outsideWindow, bool waitingToStart)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(spec);
        var results = string.Join(", ", progress.ByResult.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        var waitingText = waiting > 0 ? $", {waiting} waiting to redial" : string.Empty;
        var closed = outsideWindow is not null ? $"\n\nOutside the calling window ({outsideWindow})" : string.Empty;
        closed += waitingToStart ? $"\n\nStarts at {spec.StartAt}" : string.Empty;
        closed += spec.EndBy is { } end ? $"\n\nDispatch ends by {end}" : string.Empty;
        return $"Campaign {progress.CampaignId} · robot {spec.RobotAccount} · {progress.Targets} targets\n\n"
            + $"**{progress.Status}** — {progress.Finished} of {progress.Targets} targets finished, {progress.Dispatched} dispatched{waitingText}{closed}"
            + (results.Length > 0 ? $"\n\n{results}" : string.Empty)
            + (progress.Unresolved > 0 ? $"\n\n{progress.Unresolved} unresolved (start answer lost, call not found)" : string.Empty)
            + (progress.Errored > 0 ? $"\n\n{progress.Errored} not dialed: their batch gave up ({progress.Errors[^1]})" : string.Empty);
    }
}
