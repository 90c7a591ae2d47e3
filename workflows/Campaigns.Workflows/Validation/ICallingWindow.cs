namespace Campaigns.Workflows.Validation;

/// <summary>When calls may be placed: one calling window (<see cref="CallingWindow"/>), or the union of a campaign's window in its callees' zones (<see cref="CalleeWindows"/>).</summary>
public interface ICallingWindow
{
    /// <summary>Whether calls may be placed at <paramref name="instant"/>.</summary>
    bool IsOpen(DateTimeOffset instant);

    /// <summary>When the window next closes after <paramref name="instant"/> (inside it).</summary>
    DateTimeOffset ClosesAfter(DateTimeOffset instant);

    /// <summary>When the window next opens at or after <paramref name="instant"/> (within a year), or null.</summary>
    DateTimeOffset? OpensAfter(DateTimeOffset instant);
}
