namespace Campaigns.Callbacks.Tests;

/// <summary>The receiver's tests run one at a time: its metrics are process-wide, and tests read them.</summary>
[CollectionDefinition(Name)]
public sealed class ReceiverTests
{
    public const string Name = "Receiver";
}
