using System.Text.Json;
using Campaigns.Activities.Batches;

namespace Campaigns.Activities.Tests;

/// <summary>Which batch errors heal with time (retried without bound) and which count toward giving up.</summary>
public sealed class BatchFaultsTests
{
    [Theory]
    [InlineData("timeout", true)]
    [InlineData("cancelled", true)]
    [InlineData("http", true)]
    [InlineData("socket", true)]
    [InlineData("wrapped timeout", true)]
    [InlineData("json", false)]
    [InlineData("bug", false)]
    [InlineData("key", false)]
    [InlineData("timeout and json", false)]
    public void Heals_OnlyFaultsThatTimeCures(string kind, bool heals)
    {
        Exception error = kind switch
        {
            "timeout" => new TimeoutException(),
            "cancelled" => new OperationCanceledException(),
            "http" => new HttpRequestException("connection refused"),
            "socket" => new System.Net.Sockets.SocketException(),
            "wrapped timeout" => new InvalidOperationException("pool", new TimeoutException()),
            "json" => new JsonException("unreadable result codes"),
            "bug" => new InvalidOperationException("a bug"),
            "key" => new KeyNotFoundException("gu3"),
            _ => new AggregateException(new TimeoutException(), new JsonException()),
        };

        Assert.Equal(heals, BatchFaults.Heals(error));
    }
}
