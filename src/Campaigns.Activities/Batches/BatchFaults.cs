using System.Data.Common;
using System.Net.Sockets;
using Campaigns.TencentCall.Errors;

namespace Campaigns.Activities.Batches;

/// <summary>Which errors of a batch heal with time (retried without bound) and which repeat (counted toward giving up).</summary>
internal static class BatchFaults
{
    /// <summary>
    /// A fault of something the batch depends on, which waiting cures: a database restart or outage, the
    /// network, a vendor fault or timeout, a stop. Anything else (a bug, an unreadable row, a constraint the
    /// data breaks) fails every execution alike.
    /// </summary>
    public static bool Heals(Exception e) => e switch
    {
        OperationCanceledException or TimeoutException or HttpRequestException or SocketException or IOException => true,
        DbException db => db.IsTransient || (db.InnerException is { } inner && Heals(inner)),
        TencentCallException t => t.IsTransient || t.RequestMayHaveTakenEffect,
        AggregateException a => a.InnerExceptions.All(Heals),
        _ => e.InnerException is { } cause && Heals(cause),
    };
}
