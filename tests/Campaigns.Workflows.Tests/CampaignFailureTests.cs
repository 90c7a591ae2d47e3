using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>A campaign the vendor refuses outright fails with a reason an operator can act on, and says so everywhere.</summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class CampaignFailureTests(TemporalServer temporal)
{
    [Fact]
    public async Task WrongSecretKey_FailsNamingTheKeys_StoreAndSearchSayFailed_NobodyRung()
    {
        await using var h = await CampaignHarness.StartAsync(temporal, config: new Dictionary<string, string?>
        {
            ["TencentCall:SecretKey"] = "not-the-apps-secret-key",
        });
        var id = CampaignHarness.NewId();
        var handle = await h.Campaigns.StartAsync(new CampaignSpec { CampaignId = id, RobotAccount = "robot", Callees = ["f1", "f2", "f3"] });

        var failed = await Assert.ThrowsAsync<Temporalio.Exceptions.WorkflowFailedException>(() => handle.GetResultAsync());

        var cause = Assert.IsType<ActivityFailureException>(failed.InnerException).InnerException;
        var application = Assert.IsType<ApplicationFailureException>(cause);
        Assert.Equal("TencentAuth", application.ErrorType);
        Assert.Contains("TencentCall:SecretKey", application.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-apps-secret-key", application.Message, StringComparison.Ordinal);
        Assert.Equal(CampaignStatus.Failed, (await h.Store.GetCampaignAsync(id))!.Status);
        var described = await handle.DescribeAsync();
        Assert.Equal(CampaignStatuses.Failed, described.TypedSearchAttributes.Get(CampaignSearch.CampaignStatus));
        Assert.Empty(await h.Simulator.RingsAsync());
    }
}
