using System.Globalization;
using System.Web;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class RequestShapeContractTests : SimulatorTest
{
    private readonly List<Uri> sent = [];

    [Fact]
    public async Task EveryRequest_CarriesTheDocumentedQuery_WithAFreshRandom()
    {
        var client = Sim.CreateClient(services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new Capture(sent))));

        for (var i = 0; i < 20; i++)
        {
            await client.GetCallInfoAsync("c" + i);
        }

        await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["busy-q"] });

        Assert.Equal(21, sent.Count);
        var queries = sent.Select(u => HttpUtility.ParseQueryString(u.Query)).ToList();
        Assert.All(queries, q =>
        {
            Assert.Equal(Sim.Options.SdkAppId.ToString(CultureInfo.InvariantCulture), q["sdkappid"]);
            Assert.Equal("administrator", q["identifier"]);
            Assert.Equal("json", q["contenttype"]);
            Assert.True(uint.TryParse(q["random"], NumberStyles.None, CultureInfo.InvariantCulture, out _));
            Assert.False(string.IsNullOrEmpty(q["usersig"]));
        });
        Assert.Equal(21, queries.Select(q => q["random"]).Distinct().Count());
        Assert.Single(queries.Select(q => q["usersig"]).Distinct()); // cached, not re-signed per request
        Assert.Equal("/v4/call_engine_http_srv/start_call_by_robot", sent[^1].AbsolutePath);
    }

    private sealed class Capture(List<Uri> sent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (sent)
            {
                sent.Add(request.RequestUri!);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
