namespace Campaigns.Cli.Tests;

[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class UsageTests(TemporalServer temporal)
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("status")]
    [InlineData("export", "c1")]
    [InlineData("list", "--status", "Sleeping")]
    [InlineData("list", "--limit", "0")]
    [InlineData("status", "c1", "--interval", "0")]
    [InlineData("dnc", "remove")]
    public async Task BadUsage_Exits2_WithWhatToDo(params string[] args)
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync(args)).Exits(2).NoStackTrace();
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rate", "c1", "fast")]
    [InlineData("status", "not an id")]
    [InlineData("list", "--prefix", "a'b")]
    [InlineData("submit")]
    [InlineData("dnc", "add", "bad id")]
    [InlineData("--address", "nohost", "status", "c1")]
    public async Task InvalidInput_Exits2_NamingIt(params string[] args)
    {
        await using var h = await CliHarness.StartAsync(temporal);
        var run = (await h.RunAsync(args)).Exits(2).NoStackTrace();
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("what to do:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommandAndTheExitCodes()
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var run = (await h.RunAsync("--help")).Exits(0);
        foreach (var command in new[] { "validate", "forecast", "submit", "import", "status", "list", "pause", "resume", "cancel", "rate", "export", "dnc" })
        {
            Assert.Contains("  " + command, run.Out, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 ok, 1 failed or refused, 2 bad usage or invalid input (nothing changed), 3 cannot reach Temporal or the store", run.Out, StringComparison.Ordinal);
        Assert.Contains("TEMPORAL_ADDRESS", run.Out, StringComparison.Ordinal);
    }
}
