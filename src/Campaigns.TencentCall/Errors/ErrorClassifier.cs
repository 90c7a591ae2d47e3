namespace Campaigns.TencentCall.Errors;

/// <summary>
/// Maps a vendor error code to a <see cref="TencentErrorKind"/>, per API generation: v1 70001 is
/// "invalid parameters" while IM (v4) 70001 is "UserSig expired".
/// </summary>
public static class ErrorClassifier
{
    /// <summary>Classifies <paramref name="code"/> answered by <paramref name="api"/> of <paramref name="generation"/>.</summary>
    public static TencentErrorKind Classify(ApiGeneration generation, TencentApi api, long code) =>
        generation == ApiGeneration.V4 ? ClassifyV4(api, code) : ClassifyV1(code);

    /// <summary>
    /// Whether a request answered <paramref name="code"/> may still have been acted on. 70169 (server
    /// internal timeout) and 70500 (internal error) come from the IM gateway, which may give up after the
    /// call engine placed the call: retrying a start on them could ring twice. 101001 is the call
    /// engine's own "not done, retry".
    /// </summary>
    public static bool MayHaveTakenEffect(ApiGeneration generation, long code) =>
        generation == ApiGeneration.V4 && code is 70169 or 70500;

    private static TencentErrorKind ClassifyV4(TencentApi api, long code) => code switch
    {
        101001 or 70169 or 70500 => TencentErrorKind.Retryable,
        60007 or 60011 or 60018 or 60019 => TencentErrorKind.RateLimited,

        // Starting a call never "settles": 101004 there means the request named something that does not exist.
        101004 => api == TencentApi.StartCallByRobot ? TencentErrorKind.Invalid : TencentErrorKind.Settled,
        101050 => TencentErrorKind.NotFoundYet,
        101002 or 60002 or 60003 => TencentErrorKind.Invalid,

        // 60006 invalid SDKAppID; 70001..70020 UserSig expired / invalid / identifier or app mismatch.
        60006 => TencentErrorKind.Auth,
        >= 70001 and <= 70020 => TencentErrorKind.Auth,
        // 60010 the identifier is not an App administrator; 60020/60021, 70050, 70052, 70107: account or app not allowed.
        60010 or 60020 or 60021 or 70050 or 70052 or 70107 => TencentErrorKind.Auth,
        _ => TencentErrorKind.Unknown,
    };

    private static TencentErrorKind ClassifyV1(long code) => code switch
    {
        70001 or 70009 or 50001 => TencentErrorKind.Invalid,
        70002 or 70003 or 70004 => TencentErrorKind.Auth,
        70005 => TencentErrorKind.RateLimited,

        // The records page: "Unknown error code: system internal error". Records are read-only, so retrying is safe.
        _ => TencentErrorKind.Retryable,
    };
}
