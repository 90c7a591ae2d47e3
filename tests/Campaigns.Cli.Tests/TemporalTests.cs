namespace Campaigns.Cli.Tests;

/// <summary>The tests that share one <see cref="TemporalServer"/> (Campaigns.Testing) per run.</summary>
[CollectionDefinition(Name)]
public sealed class TemporalTests : ICollectionFixture<TemporalServer>
{
    public const string Name = "Temporal";
}
