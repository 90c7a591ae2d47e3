using System.Diagnostics.Metrics;

namespace Campaigns.Callbacks;

/// <summary>
/// The receiver's metrics (meter <c>Campaigns.Callbacks</c>, exported by the worker). Tags are bounded sets: a known
/// command (anything else is "other") or a rejection reason from <see cref="CallbackRejection"/>.
/// </summary>
public static class CallbackMetrics
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "Campaigns.Callbacks";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Received = Meter.CreateCounter<long>(
        "campaigns.callbacks.events", "{event}", "callback events new to the ledger, by command");

    private static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(
        "campaigns.callbacks.duplicates", "{event}", "callback events the ledger already held (duplicated or replayed by the vendor), by command");

    private static readonly Counter<long> OutOfOrder = Meter.CreateCounter<long>(
        "campaigns.callbacks.out_of_order", "{event}", "new callback events older than one the ledger already held for the call");

    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "campaigns.callbacks.rejected",
        "{request}",
        "callback requests refused, by reason (secret, method, sdkappid, command, content_type, too_large, bad_json, fields, store)");

    private static readonly Counter<long> PollsAvoided = Meter.CreateCounter<long>(
        "campaigns.callbacks.polls_avoided", "{request}", "get_call_info or record requests not sent because the ledger already held the call's end");

    private static readonly Counter<long> RecordsUsed = Meter.CreateCounter<long>(
        "campaigns.callbacks.records_used", "{record}", "outcomes decided by the CallRecord of an end-of-call callback, without the record API");

    internal static void Appended(string command, int added, int duplicates, int outOfOrder)
    {
        var tag = new KeyValuePair<string, object?>("command", command);
        Received.Add(added, tag);
        Duplicates.Add(duplicates, tag);
        OutOfOrder.Add(outOfOrder, tag);
    }

    internal static void Refused(CallbackRejection rejection) =>
        Rejected.Add(1, new KeyValuePair<string, object?>("reason", rejection.Reason));

    /// <summary>For the ledger's readers: <paramref name="count"/> vendor requests were not sent because a callback had answered.</summary>
    public static void AvoidedPolls(long count, string api) =>
        PollsAvoided.Add(count, new KeyValuePair<string, object?>("api", api));

    /// <summary>For the record finder: an outcome's record was taken from an end-of-call callback.</summary>
    public static void RecordTaken() => RecordsUsed.Add(1);
}
