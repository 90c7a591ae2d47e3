using Campaigns.Activities.Fleet;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Campaigns.Worker;

/// <summary>
/// Fails a dead worker's activity attempts by task token (<see cref="InFlightActivities"/>) on a client of its own,
/// connected on first use (most workers never need it): a retryable <c>WorkerLost</c> error whose next retry is
/// at once, instead of the retry policy's back-off, which grows with every kill of a crash loop up to 30 s.
/// </summary>
internal sealed class ActivityTaskFailer(TemporalClientConnectOptions connect) : IActivityTaskFailer
{
    /// <summary>The error type Temporal records on the attempts failed this way.</summary>
    public const string ErrorType = "WorkerLost";

    private readonly TemporalClient client = TemporalClient.CreateLazy(connect);

    /// <inheritdoc />
    public async Task<bool> FailAsync(byte[] taskToken, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetAsyncActivityHandle(taskToken).FailAsync(
                new ApplicationFailureException(
                    "The worker running this attempt was gone (a successor took its instance slot): retried at once",
                    ErrorType,
                    nextRetryDelay: TimeSpan.FromMilliseconds(100)),
                new AsyncActivityFailOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
            return true;
        }
        catch (RpcException e) when (e.Code is RpcException.StatusCode.NotFound or RpcException.StatusCode.InvalidArgument)
        {
            return true; // that attempt had ended, or was timed out and retried (or the token is not one): nothing to do
        }
        catch (RpcException)
        {
            return false;
        }
    }
}
