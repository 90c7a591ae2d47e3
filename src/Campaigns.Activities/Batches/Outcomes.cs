using System.Text.Json;
using Campaigns.Storage.Model;
using Campaigns.TencentCall.Models;
using Campaigns.Workflows.Contract;

namespace Campaigns.Activities.Batches;

/// <summary>
/// One outcome per callee of the target (never for the robot: callees come from the target, not the record).
/// A record holds one result for the whole call, so in a group call every callee that was rung gets the
/// call's result; a callee the start did not ring (non-zero ResultCode) gets <c>NotRung</c>. A callee the start
/// answer named no ResultCode for (an OK with a CallId but no <c>CallResult</c>, or a call found by RoomId after
/// a lost answer) whose call ended <c>Cancel</c> unanswered gets <see cref="Results.RingUnknown"/>: nothing says it rang.
/// </summary>
internal static class Outcomes
{
    public static List<Outcome> Of(CallAttempt attempt, Target target, string callId, IReadOnlyDictionary<string, long> codes, CallRecord? record, DateTimeOffset now) =>
        target.Callees.Select(callee => new Outcome
        {
            AttemptKey = attempt.AttemptKey,
            CampaignId = attempt.CampaignId,
            Callee = callee,
            CallId = callId,
            Result = codes.TryGetValue(callee, out var code) && code != 0 ? Results.NotRung
                : record is null ? Results.RecordMissing
                : !codes.ContainsKey(callee) && record is { Result: CallResultKind.Cancel, AcceptTime: null } ? Results.RingUnknown
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
        outcomes.FirstOrDefault(o => o.Result != Results.NotRung)?.Result ?? Results.NotRung;

    public static Dictionary<string, long> Codes(StartCallResult start) =>
        start.Callees.GroupBy(c => c.Callee, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ResultCode, StringComparer.Ordinal);

    public static Dictionary<string, long> Codes(string? json) =>
        string.IsNullOrEmpty(json) ? new(StringComparer.Ordinal)
        : JsonSerializer.Deserialize<Dictionary<string, long>>(json) is { } d ? new(d, StringComparer.Ordinal) : new(StringComparer.Ordinal);
}
