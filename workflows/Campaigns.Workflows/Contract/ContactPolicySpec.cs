namespace Campaigns.Workflows.Contract;

/// <summary>
/// A campaign's own frequency caps per callee (README "Contact policy"), counted over every campaign of the store like
/// the app's policy (<c>campaigns policy set</c>). They can only tighten it: at dial time the stricter of the two
/// holds, limit by limit; <c>campaigns submit</c> refuses a value looser than the app's. Each limit 1–1000, or absent.
/// </summary>
public sealed record ContactPolicySpec
{
    /// <summary>At most this many attempts per callee in any rolling day.</summary>
    public int? PerDay { get; init; }

    /// <summary>At most this many attempts per callee in any rolling 7 days.</summary>
    public int? PerWeek { get; init; }

    /// <summary>At most this many attempts per callee in any rolling 30 days.</summary>
    public int? Per30Days { get; init; }
}
