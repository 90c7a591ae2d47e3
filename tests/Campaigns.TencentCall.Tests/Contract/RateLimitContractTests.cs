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
        Assert.Equal(1000, stats.Total);
        Assert.Equal(outcomes.Count(k => k == TencentErrorKind.RateLimited), stats.RateLimited);
        Assert.All(stats.AdmittedPerSecond.Values, admitted => Assert.InRange(admitted, 1, 200));
    }

    [Fact]
    public async Task V1RecordByCallId_HasItsOwn20PerSecondLimit()
    {
        var client = Sim.CreateClient(o => o.RecordsApi = RecordsApiGeneration.V1);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => KindOf(() => client.GetRecordByCallIdAsync("c" + i))));

        Assert.Contains(TencentErrorKind.RateLimited, outcomes);
        Assert.All((await Sim.RequestsAsync()).Apis[ApiNames.V1RecordByCallId].AdmittedPerSecond.Values, admitted => Assert.InRange(admitted, 1, 20));
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
