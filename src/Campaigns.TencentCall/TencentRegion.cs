namespace Campaigns.TencentCall;

/// <summary>The region an SDKAppID was created in; it decides the REST domain of the v4 APIs.</summary>
public enum TencentRegion
{
    /// <summary>Chinese mainland: console.tim.qq.com.</summary>
    China,

    /// <summary>Singapore: adminapisgp.im.qcloud.com.</summary>
    Singapore,

    /// <summary>Seoul: adminapikr.im.qcloud.com.</summary>
    Seoul,

    /// <summary>Frankfurt: adminapiger.im.qcloud.com.</summary>
    Frankfurt,

    /// <summary>Silicon Valley: adminapiusa.im.qcloud.com.</summary>
    SiliconValley,

    /// <summary>Jakarta: adminapiidn.im.qcloud.com.</summary>
    Jakarta,
}

/// <summary>Maps regions to the vendor's documented hosts.</summary>
public static class TencentRegions
{
    /// <summary>Host of the v1 call-records API (one global host, per the records page).</summary>
    public const string V1RecordsHost = "callkit-intl.trtc.tencent-cloud.com";

    /// <summary>The v4 REST base URL of a region.</summary>
    public static Uri BaseUrl(TencentRegion region) => new($"https://{Host(region)}/");

    /// <summary>The v4 REST host of a region.</summary>
    public static string Host(TencentRegion region) => region switch
    {
        TencentRegion.China => "console.tim.qq.com",
        TencentRegion.Singapore => "adminapisgp.im.qcloud.com",
        TencentRegion.Seoul => "adminapikr.im.qcloud.com",
        TencentRegion.Frankfurt => "adminapiger.im.qcloud.com",
        TencentRegion.SiliconValley => "adminapiusa.im.qcloud.com",
        TencentRegion.Jakarta => "adminapiidn.im.qcloud.com",
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "unknown Tencent region"),
    };
}
