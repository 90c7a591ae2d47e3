namespace Campaigns.Cli.Tests;

/// <summary><c>campaigns callbacks set|get|delete</c> against the simulator's call_config endpoints.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CallbacksTests(TemporalServer temporal)
{
    [Fact]
    public async Task SetGetDelete_ChangeTheSimulatorsCallbackUrl_SecretMaskedUnlessRevealed()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        Tencent(h, sim);
        const string url = "http://127.0.0.1:8090/tencent/callback/s3cret-segment-0123456789";

        Assert.Contains("no callbacks configured", (await h.RunAsync("callbacks", "get")).Exits(0).Out, StringComparison.Ordinal);

        var set = (await h.RunAsync("callbacks", "set", url)).Exits(0);
        Assert.Contains("callbacks set: http://127.0.0.1:8090/tencent/callback/***", set.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", set.Out + set.Error, StringComparison.Ordinal);
        Assert.Equal(new Uri(url), sim.Options.Callbacks.Url);

        var get = (await h.RunAsync("callbacks", "get")).Exits(0);
        Assert.Contains("url: http://127.0.0.1:8090/tencent/callback/***", get.Out, StringComparison.Ordinal);
        Assert.Contains("Call.CallbackAfterStartCall, Call.CallbackAfterEndCall, Call.CallbackAfterMemberChanged", get.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", get.Out, StringComparison.Ordinal);
        Assert.Contains("url: " + url, (await h.RunAsync("callbacks", "get", "--reveal")).Exits(0).Out, StringComparison.Ordinal);

        (await h.RunAsync("callbacks", "set", url, "--command", "Call.CallbackAfterEndCall")).Exits(0);
        Assert.Equal(["Call.CallbackAfterEndCall"], sim.Options.Callbacks.Commands);

        Assert.Contains("callbacks deleted", (await h.RunAsync("callbacks", "delete")).Exits(0).Out, StringComparison.Ordinal);
        Assert.Null(sim.Options.Callbacks.Url);
        Assert.Contains("no callbacks configured", (await h.RunAsync("callbacks", "get")).Exits(0).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadUrlOrCommand_Exit2_MissingConfiguration_Exit2_WrongKey_Exit1()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);

        var unconfigured = (await h.RunAsync("callbacks", "get")).Exits(2).NoStackTrace();
        Assert.Contains("TencentCall__SdkAppId", unconfigured.Error, StringComparison.Ordinal);

        Tencent(h, sim);
        Assert.Contains("absolute http", (await h.RunAsync("callbacks", "set", "ftp://x/y")).Exits(2).NoStackTrace().Error, StringComparison.Ordinal);
        (await h.RunAsync("callbacks", "set", "http://x/y", "--command", "Call.Nope")).Exits(2);

        h.Environment["TencentCall__SecretKey"] = "not-the-simulators-key";
        var refused = (await h.RunAsync("callbacks", "get")).Exits(1).NoStackTrace();
        Assert.Contains("70009", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-simulators-key", refused.Out + refused.Error, StringComparison.Ordinal);
    }

    private static void Tencent(CliHarness h, SimulatorHost sim)
    {
        h.Environment["TencentCall__SdkAppId"] = sim.Options.SdkAppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        h.Environment["TencentCall__SecretKey"] = sim.Options.SecretKey;
        h.Environment["TencentCall__BaseUrl"] = sim.BaseUrl.ToString();
    }
}
