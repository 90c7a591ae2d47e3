namespace Campaigns.Workflows.Tests;

/// <summary>The tests that share one <see cref="TemporalServer"/> (Campaigns.Testing) per run.</summary>
[CollectionDefinition(Name)]
public sealed class TemporalTests : ICollectionFixture<TemporalServer>
{
    public const string Name = "Temporal";
}

/// <summary>
/// A second collection on the same server, run beside the first: the end-to-end tests spend most of their time
/// waiting for simulated calls and timers, so two of them at a time halve the suite's wall time. Tests that measure
/// a rate against a limit carry <c>[Trait("Runs", "Alone")]</c> instead and run after everything else
/// (tests/run.sh), on a quiet machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TemporalTestsSecondLane : ICollectionFixture<TemporalServer>
{
    public const string Name = "Temporal, second lane";
}
