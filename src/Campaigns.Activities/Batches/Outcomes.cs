using System.Text.Json;
using Campaigns.Storage.Model;
using Campaigns.TencentCall.Models;

namespace Campaigns.Activities.Batches;

/// <summary>
/// One outcome per callee of the target (never for the robot: callees come from the target, not the record).
/// A record holds one result for the whole call, so in a group call every callee that was rung gets the
/// call's result; a callee the start did not ring (non-zero ResultCode) gets <c>NotRung</c>. A callee the start
/// answer named no ResultCode for (an OK with a CallId but no <c>CallResult</c>, or a call found by RoomId after
/// a lost answer) whose call ended <c>Cancel</c> unanswered gets <see cref="RingUnknown"/>: nothing says it rang.
/// </summary>
internal static class Outcomes
{
    public const string NotRung = "NotRung";
    public const string RecordMissing = "RecordMissing";

    /// <summary>
    /// Whether the callee was rung is unknown: no ResultCode for it, and a record of <c>Cancel</c> without an answer,
    /// which the vendor also writes when nobody could be rung. Reading it as <c>Cancel</c> would count a ring that
    /// may never have happened. The record's own spelling stays in <see cref="Outcome.RawResult"/>.
    /// </summary>
    public const string RingUnknown = "RingUnknown";

    public static List<Outcome> Of(CallAttempt attempt, Target target, string callId, IReadOnlyDictionary<string, long> codes, CallRecord? record, DateTimeOffset now) =>
        target.Callees.Select(callee => new Outcome
        {
            AttemptKey = attempt.AttemptKey,
            CampaignId = attempt.CampaignId,
            Callee = callee,
            CallId = callId,
            Result = codes.TryGetValue(callee, out var code) && code != 0 ? NotRung
                : record is null ? RecordMissing
                : !codes.ContainsKey(callee) && record is { Result: CallResultKind.Cancel, AcceptTime: null } ? RingUnknown
                : record.Result.ToString(),
            RawResult = codes.TryGetValue(callee, out var c) && c != 0 ? $"ResultCode {c}" : record?.RawResult,
            StartTime = record?.StartTime,
            AcceptTime = record?.AcceptTime,
            EndTime = record?.EndTime,
            DurationMs = record?.TalkDuration is { } talk ? (long)talk.TotalMilliseconds : null,
            RawRecord = record?.RawJson,
            RecordedAt = now,
        }).ToList();

    /// <summary>The target's result: the call's, or why there is none (NotRung only when nobody was rung).</summary>
    public static string TargetResult(IReadOnlyList<Outcome> outcomes) =>
        outcomes.FirstOrDefault(o => o.Result != NotRung)?.Result ?? NotRung;

    public static Dictionary<string, long> Codes(StartCallResult start) =>
        start.Callees.GroupBy(c => c.Callee, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ResultCode, StringComparer.Ordinal);

    public static Dictionary<string, long> Codes(string? json) =>
        string.IsNullOrEmpty(json) ? new(StringComparer.Ordinal)
        : JsonSerializer.Deserialize<Dictionary<string, long>>(json) is { } d ? new(d, StringComparer.Ordinal) : new(StringComparer.Ordinal);
}
