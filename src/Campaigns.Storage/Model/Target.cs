namespace Campaigns.Storage.Model;

/// <summary>One thing dialed at once: a callee, or the callees of a group call.</summary>
public sealed record Target(int Seq, IReadOnlyList<string> Callees)
{
    /// <summary>The de-duplication key: the callees sorted and comma-joined (a group is a set).</summary>
    public static string KeyOf(IEnumerable<string> callees) => string.Join(',', callees.Order(StringComparer.Ordinal));
}

/// <summary>What adding targets did.</summary>
public sealed record AddTargetsResult(int Added, int AlreadyPresent, int FirstSeq);
