using Campaigns.Testing;

namespace Campaigns.Callbacks.Tests;

/// <summary>
/// The receiver's tests run one at a time: its metrics are process-wide, and tests read them. The campaigns with
/// callbacks (CallbacksInUseTests) run in the same line, as their receivers count into the same metrics; they use
/// the shared Temporal dev server (Campaigns.Testing: the one tests/services.sh started).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReceiverTests : ICollectionFixture<TemporalServer>
{
    public const string Name = "Receiver";
}
