using Campaigns.TencentCall.UserSig;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall.Tests;

public class UserSigProviderTests
{
    private readonly ManualTime time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    private readonly TencentCallOptions options = new()
    {
        SdkAppId = 1400000001,
        SecretKey = "k",
        UserSigLifetime = TimeSpan.FromHours(24),
        UserSigRenewBefore = TimeSpan.FromHours(1),
    };

    [Fact]
    public void Current_CalledAgainSoon_ReusesTheCachedSig()
    {
        var provider = new UserSigProvider(Options.Create(options), time);
        var first = provider.Current();
        time.Advance(TimeSpan.FromHours(22));

        Assert.Same(first, provider.Current());
    }

    [Fact]
    public void Current_InsideTheRenewWindow_MakesAFreshSigThatOutlivesTheOldOne()
    {
        var provider = new UserSigProvider(Options.Create(options), time);
        var first = TlsSigV2.Decode(provider.Current())!;
        time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(1));

        var second = TlsSigV2.Decode(provider.Current())!;

        Assert.True(second.ExpiresAt > first.ExpiresAt);
        Assert.Equal(UserSigStatus.Valid, TlsSigV2.Verify(provider.Current(), 1400000001, "administrator", "k", time.GetUtcNow()).Status);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset now = now;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
