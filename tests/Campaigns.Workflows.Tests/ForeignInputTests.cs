using System.Text;
using Google.Protobuf;
using Temporalio.Api.Common.V1;
using Temporalio.Client;
using Temporalio.Converters;
using Temporalio.Exceptions;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// Inputs no client of ours would send (issue 18, item 6): raw payloads, as another SDK sends them, that are
/// not a campaign object. Each fails the workflow at once with InvalidCampaign naming the problem, never
/// leaves it Running with a workflow task failing again and again; nothing written, nothing dialed.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class ForeignInputTests(TemporalServer temporal)
{
    public static TheoryData<string, byte[], string> Payloads => new()
    {
        { "not JSON", Encoding.UTF8.GetBytes("campaignId: spring"), "could not be read" },
        { "empty", [], "could not be read" },
        { "null", Encoding.UTF8.GetBytes("null"), "not null" },
        { "an array", Encoding.UTF8.GetBytes("""[{"campaignId":"x"}]"""), "not an array" },
        { "trailing garbage", Encoding.UTF8.GetBytes("""{"campaignId":"x","robotAccount":"robot","callees":["a"]} }"""), "could not be read" },
        { "invalid UTF-8", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], "could not be read" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task RawJsonPlainPayload_NotACampaignObject_FailsAtOnceWithInvalidCampaign(string what, byte[] data, string expected)
    {
        await using var h = await CampaignHarness.StartAsync(temporal);
        var payload = new Payload { Data = ByteString.CopyFrom(data) };
        payload.Metadata["encoding"] = ByteString.CopyFromUtf8("json/plain");
        var id = "campaign-foreign-" + Guid.NewGuid().ToString("N")[..8];

        var handle = await h.Temporal.Client.StartWorkflowAsync(
            "CampaignWorkflow", [new RawValue(payload)], new WorkflowOptions(id, h.TaskQueue));
        // "At once": a workflow task failing again and again would leave it Running past this bound.
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        var app = Assert.IsType<ApplicationFailureException>(failed.InnerException);
        Assert.Equal("InvalidCampaign", app.ErrorType);
        Assert.True(app.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {app.Message}");
        Assert.Empty(await h.Simulator.CallsAsync()); // nothing dialed (and validation comes before any write)
    }
}
