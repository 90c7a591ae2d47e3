using Campaigns.Simulator;
using Campaigns.Simulator.Pipeline;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Campaigns.TencentCall.UserSig;
using Campaigns.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall.Tests.Contract;

public sealed class SecretsContractTests : SimulatorTest
{
    [Fact]
    public async Task ClientLogsAndExceptions_NeverCarryTheUserSigOrTheSecretKey()
    {
        using var logs = new CapturingLoggerProvider();
        var handedOut = new List<string>();
        var client = Sim.CreateClient(services: s =>
        {
            s.AddLogging(b => b.AddProvider(logs));
            s.AddSingleton<IUserSigProvider>(sp => new Recording(new UserSigProvider(sp.GetRequiredService<IOptions<TencentCallOptions>>(), TimeProvider.System), handedOut));
        });
        var errors = new List<Exception>();

        await client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "robot", Callees = ["busy-s"] });
        await Sim.ScriptFaultAsync(ApiNames.StartCallByRobot, Fault.Error101001);
        await Sim.ScriptFaultAsync(ApiNames.GetCallInfo, Fault.Http502);
        errors.Add(await Assert.ThrowsAsync<TencentCallException>(() => client.StartCallByRobotAsync(new StartCallRequest { RobotAccount = "r", Callees = ["x"] })));
        errors.Add(await Assert.ThrowsAsync<TencentCallException>(() => client.GetCallInfoAsync("c")));
        var wrongKey = Sim.CreateClient(o => o.SecretKey = "other-secret-key", s => s.AddLogging(b => b.AddProvider(logs)));
        errors.Add(await Assert.ThrowsAsync<TencentCallException>(() => wrongKey.GetRecordByCallIdAsync("c")));

        var secrets = handedOut.Distinct().Append(Sim.Options.SecretKey).Append("other-secret-key").ToList();
        var text = string.Join('\n', logs.Lines.Concat(errors.Select(e => e.ToString())));

        Assert.NotEmpty(logs.Lines);
        Assert.NotEmpty(handedOut);
        Assert.Contains("start_call_by_robot", text, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("usersig=", text, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Recording(IUserSigProvider inner, List<string> handedOut) : IUserSigProvider
    {
        public string Current()
        {
            var sig = inner.Current();
            lock (handedOut)
            {
                handedOut.Add(sig);
            }

            return sig;
        }
    }
}
