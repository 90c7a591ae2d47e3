using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.UserSig;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class AuthContractTests : SimulatorTest
{
    private static readonly StartCallRequest Ring = new() { RobotAccount = "robot", Callees = ["noanswer-a"] };

    [Theory]
    [InlineData(ApiGeneration.V4, 70009)]
    [InlineData(ApiGeneration.V1, 70002)]
    public async Task WrongSecretKey_IsRefusedAsAuth(ApiGeneration generation, long code)
    {
        var client = Sim.CreateClient(o =>
        {
            o.SecretKey = "not-the-key";
            o.RecordsApi = generation;
        });

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task WrongSecretKey_StartCall_PlacesNothing()
    {
        var client = Sim.CreateClient(o => o.SecretKey = "not-the-key");

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Auth, 70009L, false), (e.Kind, e.ErrorCode!.Value, e.RequestMayHaveTakenEffect));
        Assert.Empty(await Sim.CallsAsync());
    }

    [Theory]
    [InlineData(ApiGeneration.V4, 70001)]
    [InlineData(ApiGeneration.V1, 70003)]
    public async Task ExpiredUserSig_IsRefusedAsAuth_WithEachGenerationsCode(ApiGeneration generation, long code)
    {
        var expired = TlsSigV2.Generate(
            Sim.Options.SdkAppId, "administrator", Sim.Options.SecretKey, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1));
        var client = Sim.CreateClient(o => o.RecordsApi = generation, s => s.AddSingleton<IUserSigProvider>(new FixedSig(expired)));

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task OtherSdkAppId_IsRefusedAsAuth()
    {
        var client = Sim.CreateClient(o => o.SdkAppId = Sim.Options.SdkAppId + 1);

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Auth, 60006L), (e.Kind, e.ErrorCode!.Value));
    }

    [Fact]
    public async Task SigOfAnotherIdentifier_IsRefusedAsAuth()
    {
        var robotSig = TlsSigV2.Generate(Sim.Options.SdkAppId, "robot", Sim.Options.SecretKey, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        var client = Sim.CreateClient(services: s => s.AddSingleton<IUserSigProvider>(new FixedSig(robotSig)));

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(Ring));

        Assert.Equal((TencentErrorKind.Auth, 70013L), (e.Kind, e.ErrorCode!.Value));
    }

    [Theory]
    [InlineData(ApiGeneration.V4, 60010)]
    [InlineData(ApiGeneration.V1, 70004)]
    public async Task NonAdministrator_IsRefusedAsAuth(ApiGeneration generation, long code)
    {
        var client = Sim.CreateClient(o =>
        {
            o.AdminIdentifier = "someone";
            o.RecordsApi = generation;
        });

        var e = await Assert.ThrowsAsync<TencentCallException>(() => client.GetRecordByCallIdAsync("x"));

        Assert.Equal((TencentErrorKind.Auth, code), (e.Kind, e.ErrorCode!.Value));
    }

    private sealed class FixedSig(string sig) : IUserSigProvider
    {
        public string Current() => sig;
    }
}
