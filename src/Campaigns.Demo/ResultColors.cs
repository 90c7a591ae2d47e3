using Campaigns.Workflows.Contract;
using Spectre.Console;

namespace Campaigns.Demo;

/// <summary>One colour per call result, the same in the live chart and the final table.</summary>
public static class ResultColors
{
    /// <summary>The colour of <paramref name="result"/>.</summary>
    public static Color Of(string result) => result switch
    {
        Results.NormalEnd => Color.Green,
        Results.NotAnswer => Color.Yellow,
        Results.CallBusy => Color.Orange1,
        Results.Reject => Color.Red,
        Results.Interrupt => Color.Purple,
        Results.RecordMissing => Color.Magenta1,
        Results.NotRung or Results.NotPlaced => Color.Red3,
        Results.Unresolved => Color.Maroon,
        _ => Color.Grey, // Skipped, Cancel, Cancelled
    };
}
