using Campaigns.Storage.Model;
using Campaigns.Testing;
using Microsoft.Extensions.Logging;

namespace Campaigns.Callbacks.Tests;

/// <summary>The path secret and the query never reach a log; a ledger that cannot be written is a 503, never an OK.</summary>
[Trait("Needs", "Temporal")]
[Collection(ReceiverTests.Name)]
public sealed class SecretsAndFailuresTests
{
    [Fact]
    public async Task LedgerUnwritable_503_19009_NotAcknowledged_LogsNeitherSecretNorQuery()
    {
        using var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        await using var host = await ReceiverHost.StartAsync(loggers: loggers, readOnlyStore: true);
        using var metrics = new MetricsProbe();

        var (status, envelope) = await host.PostAsync(CallEventOrder.StartCommand, """{"CallId":"c1","EventTime":1700000000000}""");
        using var empty = ReceiverHost.Json("{}");
        var (wrongStatus, _) = await host.PostAsync("tencent/callback/" + ReceiverHost.Secret + "x" + ReceiverHost.Query(CallEventOrder.StartCommand), empty);

        Assert.Equal((503, 19009L, "FAIL"), (status, (long)envelope!["ErrorCode"]!, (string?)envelope["ActionStatus"]));
        Assert.Equal(404, wrongStatus);
        Assert.Equal((1L, 1L), (metrics["campaigns.callbacks.rejected/store"], metrics["campaigns.callbacks.rejected/secret"]));
        Assert.Contains(capture.Lines, l => l.Contains("ledger write failed", StringComparison.Ordinal));
        Assert.Contains(capture.Lines, l => l.Contains("Callback refused: secret", StringComparison.Ordinal));
        Assert.All(capture.Lines, l =>
        {
            Assert.DoesNotContain(ReceiverHost.Secret, l, StringComparison.Ordinal);
            Assert.DoesNotContain("SdkAppid=", l, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("/tencent/callback", l, StringComparison.Ordinal);
        });
    }
}
