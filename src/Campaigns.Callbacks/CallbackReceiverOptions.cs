namespace Campaigns.Callbacks;

/// <summary>The callback receiver (section <c>Callbacks</c>; docs/callbacks.md).</summary>
public sealed class CallbackReceiverOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Callbacks";

    /// <summary>Whether the worker hosts the receiver (off by default).</summary>
    public bool Enabled { get; set; }

    /// <summary>Where Kestrel listens, <c>;</c>-separated, e.g. <c>http://0.0.0.0:8090</c> (plain HTTP: TLS ends at a proxy in front).</summary>
    public string Urls { get; set; } = "http://0.0.0.0:8090";

    /// <summary>
    /// The secret path segment of the callback URL (<c>/tencent/callback/{PathSecret}</c>): beyond the vendor's SdkAppid,
    /// the only proof that a request comes from whoever was given the URL. A secret: never logged.
    /// </summary>
    public string PathSecret { get; set; } = string.Empty;

    /// <summary>Largest body accepted, in bytes (a callback is a few hundred bytes; an end event with its record about a kilobyte).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Our SDKAppID: a callback naming another is refused. Defaults to <c>TencentCall:SdkAppId</c>.</summary>
    public long SdkAppId { get; set; }

    /// <summary>
    /// How long the ledger keeps an event (by arrival). Past the vendor's 7-day records window nothing can use it; a
    /// campaign still waiting on a call older than this falls back to polling.
    /// </summary>
    public int RetentionDays { get; set; } = 8;

    /// <summary>Every bad key, named.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }

        if (PathSecret.Length < 16 || !PathSecret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problems.Add("Callbacks:PathSecret must be at least 16 letters, digits, '-' or '_' (a secret: generate it, e.g. openssl rand -hex 24)");
        }

        if (MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            problems.Add("Callbacks:MaxBodyBytes must be 1024–16777216");
        }

        if (RetentionDays is < 1 or > 365)
        {
            problems.Add("Callbacks:RetentionDays must be 1–365");
        }

        if (SdkAppId <= 0)
        {
            problems.Add("Callbacks:SdkAppId (or TencentCall:SdkAppId) must be a positive integer");
        }

        if (string.IsNullOrWhiteSpace(Urls)
            || Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Any(u => !Uri.TryCreate(u.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != "http"))
        {
            problems.Add("Callbacks:Urls must be one or more http://HOST:PORT (terminate TLS in front), ';'-separated");
        }

        return problems;
    }
}
