using Campaigns.Simulator;
using Campaigns.Testing;

namespace Campaigns.TencentCall.Tests.Contract;

/// <summary>A test class with its own simulator on a free port, started before each test and stopped after.</summary>
public abstract class SimulatorTest : IAsyncLifetime
{
    protected SimulatorHost Sim { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Sim = await SimulatorHost.StartAsync(Configure);

    public async Task DisposeAsync() => await Sim.DisposeAsync();

    /// <summary>The simulator's set-up; <see cref="Scenario.Fast"/> unless a class says otherwise.</summary>
    protected virtual void Configure(SimulatorOptions options) => Scenario.Fast(options);
}
