namespace Campaigns.Simulator;

/// <summary>
/// The vendor's call callbacks (AfterStartCall, AfterMemberChanged, AfterEndCall), POSTed to
/// <see cref="Url"/> as Tencent would, late, twice, out of order or never, at the configured rates.
/// Times are simulated seconds.
/// </summary>
public sealed class CallbackOptions
{
    private readonly Lock gate = new();
    private Uri? url;
    private IReadOnlyList<string>? commands;

    /// <summary>Where callbacks go; none are sent when unset. set_callback replaces it and delete_callback clears it.</summary>
    public Uri? Url
    {
        get => Current.Url;
        set => Configure(value, Current.Commands);
    }

    /// <summary>The commands sent; null: all three. set_callback replaces them.</summary>
    public IReadOnlyList<string>? Commands
    {
        get => Current.Commands;
        set => Configure(Current.Url, value);
    }

    /// <summary>The URL and the commands, read together.</summary>
    public (Uri? Url, IReadOnlyList<string>? Commands) Current
    {
        get
        {
            lock (gate)
            {
                return (url, commands);
            }
        }
    }

    /// <summary>Replaces the URL and the commands together (set_callback, delete_callback).</summary>
    public void Configure(Uri? newUrl, IReadOnlyList<string>? newCommands)
    {
        lock (gate)
        {
            url = newUrl;
            commands = newCommands is null ? null : [.. newCommands];
        }
    }

    /// <summary>Shortest delay between an event and its callback.</summary>
    public double DelayMinSeconds { get; set; }

    /// <summary>Longest delay between an event and its callback (uniform between the two).</summary>
    public double DelayMaxSeconds { get; set; } = 1;

    /// <summary>Share of callbacks sent twice (the copy with its own delay).</summary>
    public double DuplicateRate { get; set; } = 0.05;

    /// <summary>Share of callbacks never sent.</summary>
    public double LossRate { get; set; } = 0.02;

    /// <summary>Share of callbacks held back by <see cref="ReorderDelaySeconds"/>, so later events overtake them.</summary>
    public double ReorderRate { get; set; } = 0.05;

    /// <summary>How long a reordered callback is held back.</summary>
    public double ReorderDelaySeconds { get; set; } = 10;
}
