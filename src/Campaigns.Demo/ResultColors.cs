using Spectre.Console;

namespace Campaigns.Demo;

/// <summary>One colour per call result, the same in the live chart and the final table.</summary>
public static class ResultColors
{
    /// <summary>The colour of <paramref name="result"/>.</summary>
    public static Color Of(string result) => result switch
    {
        "NormalEnd" => Color.Green,
        "NotAnswer" => Color.Yellow,
        "CallBusy" => Color.Orange1,
        "Reject" => Color.Red,
        "Interrupt" => Color.Purple,
        "RecordMissing" => Color.Magenta1,
        "NotRung" or "NotPlaced" => Color.Red3,
        "Unresolved" => Color.Maroon,
        _ => Color.Grey, // Skipped, Cancel, Cancelled
    };
}
