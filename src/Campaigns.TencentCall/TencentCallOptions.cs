namespace Campaigns.TencentCall;

/// <summary>
/// Worker-side configuration of the Tencent client (section <c>TencentCall</c>).
/// The SecretKey lives only here: it never travels in a workflow payload or a log line.
/// </summary>
public sealed class TencentCallOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "TencentCall";

    /// <summary>The application id.</summary>
    public long SdkAppId { get; set; }

    /// <summary>The app's SecretKey, used to sign UserSigs. Never logged.</summary>
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>The App administrator the REST calls are made as.</summary>
    public string AdminIdentifier { get; set; } = "administrator";

    /// <summary>The region of the SDKAppID; ignored when <see cref="BaseUrl"/> is set.</summary>
    public TencentRegion Region { get; set; } = TencentRegion.Singapore;

    /// <summary>A custom base URL for the v4 APIs (the simulator, a proxy). Overrides <see cref="Region"/>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>A custom base URL for the v1 records API. Defaults to callkit-intl, or <see cref="BaseUrl"/> when that is set.</summary>
    public Uri? RecordsBaseUrl { get; set; }

    /// <summary>Which records API generation to read from when a request does not name one (a campaign's <c>records.api</c> does).</summary>
    public ApiGeneration RecordsApi { get; set; } = ApiGeneration.V4;

    /// <summary>How long a generated UserSig is valid.</summary>
    public TimeSpan UserSigLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A cached UserSig is replaced once less than this is left of its life.</summary>
    public TimeSpan UserSigRenewBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Per-request timeout; the vendor's backend gives up after 3 s, so this must be longer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The v4 base URL in force.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? TencentRegions.BaseUrl(Region);

    /// <summary>The v1 records base URL in force.</summary>
    public Uri EffectiveRecordsBaseUrl => RecordsBaseUrl ?? BaseUrl ?? new Uri($"https://{TencentRegions.V1RecordsHost}/");

    /// <summary>Problems with these options, each naming the key and the rule; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SdkAppId <= 0)
        {
            problems.Add("TencentCall:SdkAppId must be a positive integer");
        }

        if (string.IsNullOrWhiteSpace(SecretKey))
        {
            problems.Add("TencentCall:SecretKey is required");
        }

        if (string.IsNullOrWhiteSpace(AdminIdentifier))
        {
            problems.Add("TencentCall:AdminIdentifier is required");
        }

        if (RequestTimeout <= TimeSpan.FromSeconds(3))
        {
            problems.Add("TencentCall:RequestTimeout must be longer than the vendor's 3 s backend timeout");
        }

        if (UserSigLifetime < TimeSpan.FromMinutes(5))
        {
            problems.Add("TencentCall:UserSigLifetime must be at least 5 minutes");
        }

        if (UserSigRenewBefore <= TimeSpan.Zero || UserSigRenewBefore >= UserSigLifetime)
        {
            problems.Add("TencentCall:UserSigRenewBefore must be positive and shorter than UserSigLifetime");
        }

        return problems;
    }
}
