using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Campaigns.TencentCall.Tests;

public class OptionsTests
{
    [Fact]
    public void Problems_NameEveryBadKey()
    {
        var problems = new TencentCallOptions { SdkAppId = 0, SecretKey = string.Empty, RequestTimeout = TimeSpan.FromSeconds(3) }.Problems();

        Assert.Contains(problems, p => p.StartsWith("TencentCall:SdkAppId", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("TencentCall:SecretKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("TencentCall:RequestTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void AddTencentCall_MissingSecret_FailsOnFirstUseWithTheKeyNamed()
    {
        using var provider = new ServiceCollection().AddLogging().AddTencentCall(o => o.SdkAppId = 1).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ITencentCallClient>());

        Assert.Contains("TencentCall:SecretKey is required", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TencentRegion.China, "https://console.tim.qq.com/")]
    [InlineData(TencentRegion.Singapore, "https://adminapisgp.im.qcloud.com/")]
    [InlineData(TencentRegion.Seoul, "https://adminapikr.im.qcloud.com/")]
    [InlineData(TencentRegion.Frankfurt, "https://adminapiger.im.qcloud.com/")]
    [InlineData(TencentRegion.SiliconValley, "https://adminapiusa.im.qcloud.com/")]
    [InlineData(TencentRegion.Jakarta, "https://adminapiidn.im.qcloud.com/")]
    public void EffectiveBaseUrl_FollowsTheRegion(TencentRegion region, string expected)
    {
        var o = new TencentCallOptions { Region = region };

        Assert.Equal(new Uri(expected), o.EffectiveBaseUrl);
        Assert.Equal(new Uri("https://callkit-intl.trtc.tencent-cloud.com/"), o.EffectiveRecordsBaseUrl);
    }

    [Fact]
    public void EffectiveBaseUrl_CustomBaseUrlWinsForBothGenerations()
    {
        var o = new TencentCallOptions { Region = TencentRegion.China, BaseUrl = new Uri("http://127.0.0.1:5080/") };

        Assert.Equal(o.BaseUrl, o.EffectiveBaseUrl);
        Assert.Equal(o.BaseUrl, o.EffectiveRecordsBaseUrl);
    }
}
