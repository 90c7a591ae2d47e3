namespace Campaigns.Faults.Tests;

/// <summary>
/// Every scenario runs alone (one collection): each starts worker and simulator processes that must not
/// compete with another scenario's for the machine's two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuite
{
    public const string Name = "Faults";

    /// <summary>
    /// Targets of a scenario: CAMPAIGNS_FAULTS_TARGETS when set (e.g. 5000; inline campaigns hold at most
    /// 10,000), else the CI size given.
    /// </summary>
    public static int Targets(int ciSize) =>
        int.TryParse(Environment.GetEnvironmentVariable("CAMPAIGNS_FAULTS_TARGETS"), out var n) && n > 0 ? Math.Min(n, 10_000) : ciSize;
}
