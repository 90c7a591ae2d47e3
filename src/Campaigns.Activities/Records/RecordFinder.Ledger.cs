using Campaigns.Activities.Watching;
using Campaigns.Callbacks;
using Campaigns.TencentCall.Models;

namespace Campaigns.Activities.Records;

// The record of a call whose end-of-call callback reached the ledger is that callback's CallRecord: the record API
// is asked only where the ledger has none (the callback was lost, or carried too little), and a callback that comes
// while the API is still being asked (the record lags the end by seconds) ends the asking.
public sealed partial class RecordFinder
{
    private static async Task<CallRecord?> FromLedgerOrAsync(
        CallLedgerFeed feed, string callId, Func<CancellationToken, Task<CallRecord?>> fromApi, CancellationToken cancellationToken)
    {
        var view = feed.Hold(callId);
        try
        {
            if (view.Record.IsCompleted)
            {
                return Taken(await view.Record.ConfigureAwait(false));
            }

            // The API path first waits the record delay (the record lags the end by seconds): a callback read by then wins.
            using var asking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var api = fromApi(asking.Token);
            var first = await Task.WhenAny((Task)api, view.Record.WaitAsync(cancellationToken)).ConfigureAwait(false);
            if (first == api || !view.Record.IsCompleted)
            {
                return await api.ConfigureAwait(false); // the API's answer, or the caller's cancel
            }

            await asking.CancelAsync().ConfigureAwait(false);
            _ = api.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return Taken(await view.Record.ConfigureAwait(false));
        }
        finally
        {
            feed.Release(view);
        }
    }

    private static CallRecord Taken(CallRecord record)
    {
        CallbackMetrics.RecordTaken();
        CallbackMetrics.AvoidedPolls(1, "record");
        return record;
    }
}
