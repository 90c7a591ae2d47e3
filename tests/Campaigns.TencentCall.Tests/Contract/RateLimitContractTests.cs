using Campaigns.Simulator;
using Campaigns.TencentCall.Errors;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class RateLimitContractTests : SimulatorTest
{
    [Fact]
    public async Task GetCallInfo_OverRateBurst_IsRateLimited_AndNoSecondAdmitsMoreThan200()
    {
        var client = Sim.CreateClient();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => KindOf(() => client.GetCallInfoAsync("c" + i))));

        Assert.Contains(TencentErrorKind.RateLimited, outcomes);
        var stats = (await Sim.RequestsAsync()).Apis[ApiNames.GetCallInfo];
        Assert.Equal((200, 1000L), (stats.Limit, stats.Total));
        Assert.Equal(outcomes.Count(k => k == TencentErrorKind.RateLimited), stats.RateLimited);
        Assert.Equal(outcomes.Count(k => k != TencentErrorKind.RateLimited), stats.Admitted);

        // The proof that the limit held: no 1-second window, however aligned, admitted more than 200.
        Assert.InRange(stats.WorstWindow, 1, 200);
        Assert.True(stats.WorstWindowReceived > 200, $"the burst put {stats.WorstWindowReceived} requests in one second");
    }

    [Fact]
    public async Task V1RecordByCallId_HasItsOwn20PerSecondLimit()
    {
        var client = Sim.CreateClient(o => o.RecordsApi = ApiGeneration.V1);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => KindOf(() => client.GetRecordByCallIdAsync("c" + i))));

        Assert.Contains(TencentErrorKind.RateLimited, outcomes);
        var stats = (await Sim.RequestsAsync()).Apis[ApiNames.V1RecordByCallId];
        Assert.Equal(20, stats.Limit);
        Assert.InRange(stats.WorstWindow, 1, 20);
    }

    private static async Task<TencentErrorKind?> KindOf(Func<Task> request)
    {
        try
        {
            await request();
            return null;
        }
        catch (TencentCallException e)
        {
            return e.Kind;
        }
    }
}
