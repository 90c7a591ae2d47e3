using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.UserSig;
using Campaigns.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class AuthContractTests : IAsyncLifetime
{
    private static readonly StartCallRequest Ring = new() { RobotAccount = "robot", Callees = ["noanswer-a"] };
    private SimulatorHost sim = null!;

    public async Task InitializeAsync() => sim = await SimulatorHost.StartAsync(Scenario.Fast);

    public async Task DisposeAsync() => await sim.DisposeAsync();

    [Theory]
    [InlineData(RecordsApiGeneration.V4, 70009)]
    [InlineData(RecordsApiGeneration.V1, 70002)]
    public async Task WrongSecretKey_IsRefusedAsAuth(RecordsApiGeneration generation, long code)
    {
        var client = sim.CreateClient(o => { o.SecretKey = "not-the-key"; o.RecordsApi = generation; });

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task WrongSecretKey_StartCall_PlacesNothing()
    {
        var client = sim.CreateClient(o => o.SecretKey = "not-the-key");

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal(TencentErrorKind.Auth, e.Kind);
        Assert.Empty(await sim.CallsAsync());
    }

    [Theory]
    [InlineData(RecordsApiGeneration.V4, 70001)]
    [InlineData(RecordsApiGeneration.V1, 70003)]
    public async Task ExpiredUserSig_IsRefusedAsAuth_WithEachGenerationsCode(RecordsApiGeneration generation, long code)
    {
        var expired = TlsSigV2.Generate(
            sim.Options.SdkAppId, "administrator", sim.Options.SecretKey, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1));
        var client = sim.CreateClient(o => o.RecordsApi = generation, s => s.AddSingleton<IUserSigProvider>(new FixedSig(expired)));

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task OtherSdkAppId_IsRefusedAsAuth()
    {
        var client = sim.CreateClient(o => o.SdkAppId = sim.Options.SdkAppId + 1);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Auth, 60006L), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task SigOfAnotherIdentifier_IsRefusedAsAuth()
    {
        var robotSig = TlsSigV2.Generate(sim.Options.SdkAppId, "robot", sim.Options.SecretKey, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        var client = sim.CreateClient(services: s => s.AddSingleton<IUserSigProvider>(new FixedSig(robotSig)));

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Auth, 70013L), (e.Kind, e.ErrorCode!.Value));
    }

    [Theory]
    [InlineData(RecordsApiGeneration.V4, 70003)]
    [InlineData(RecordsApiGeneration.V1, 70004)]
    public async Task NonAdministrator_IsRefusedAsAuth(RecordsApiGeneration generation, long code)
    {
        var client = sim.CreateClient(o => { o.AdminIdentifier = "someone"; o.RecordsApi = generation; });

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    private sealed class FixedSig(string sig) : IUserSigProvider
    {
        public string Current() => sig;
    }
}
