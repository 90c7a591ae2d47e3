using System.Text;
using Temporalio.Worker.Interceptors;

namespace Campaigns.Activities.Fleet;

/// <summary>
/// The task tokens of the activity attempts this process is running, written to a file beside its instance slot
/// (<see cref="FleetInstanceSlot"/>) as they start and end. A worker SIGKILLed mid-batch leaves its attempts open
/// until Temporal's heartbeat timeout (20 s for a batch, 2 minutes for a store activity without heartbeats); the
/// successor that takes the slot holds proof the writer is dead, reads the file and fails those attempts at once
/// (<see cref="IActivityTaskFailer"/>), so Temporal retries them now. A retry never rings anyone twice: the batch
/// resumes from the store, exactly as after the heartbeat timeout. A token that is no longer current (the attempt
/// had ended, or timed out and was retried elsewhere) is refused by the server: it names one attempt only.
/// Installed as a worker interceptor (<see cref="IWorkerInterceptor"/>); without a slot it only counts in memory.
/// </summary>
public sealed class InFlightActivities : IWorkerInterceptor
{
    private readonly Lock gate = new();
    private readonly HashSet<string> running = new(StringComparer.Ordinal);
    private readonly HashSet<string> orphans = new(StringComparer.Ordinal);
    private string? path;

    /// <summary>Attempts running in this process now.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running.Count;
            }
        }
    }

    /// <inheritdoc />
    public ActivityInboundInterceptor InterceptActivity(ActivityInboundInterceptor nextInterceptor) => new Inbound(this, nextInterceptor);

    /// <summary>
    /// Starts writing to <paramref name="file"/> (the slot's own, now held by this process) and returns the tokens
    /// an earlier holder left in it: attempts of a dead process, still to be failed (<see cref="Settled"/> when done).
    /// </summary>
    internal IReadOnlyList<byte[]> Attach(string file)
    {
        List<string> left;
        try
        {
            left = File.Exists(file) ? [.. File.ReadAllLines(file, Encoding.ASCII).Where(l => l.Length > 0)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            left = [];
        }

        lock (gate)
        {
            path = file;
            orphans.UnionWith(left);
            WriteLocked();
        }

        var tokens = new List<byte[]>(left.Count);
        foreach (var line in left)
        {
            try
            {
                tokens.Add(Convert.FromBase64String(line));
            }
            catch (FormatException)
            {
                Forget(line); // a torn line: nothing to fail
            }
        }

        return tokens;
    }

    /// <summary>An orphan has been failed (or cannot be any more): it leaves the file.</summary>
    internal void Settled(byte[] orphan) => Forget(Convert.ToBase64String(orphan));

    private void Forget(string orphan)
    {
        lock (gate)
        {
            if (orphans.Remove(orphan))
            {
                WriteLocked();
            }
        }
    }

    private void Started(byte[] token)
    {
        lock (gate)
        {
            running.Add(Convert.ToBase64String(token));
            WriteLocked();
        }
    }

    private void Ended(byte[] token)
    {
        lock (gate)
        {
            running.Remove(Convert.ToBase64String(token));
            WriteLocked();
        }
    }

    // The whole set each time, through a rename: a SIGKILL mid-write leaves the previous file, never half of one.
    // Orphans not yet failed stay in it, so a successor of this process tries them too.
    private void WriteLocked()
    {
        if (path is null)
        {
            return;
        }

        try
        {
            var temporary = path + ".tmp";
            File.WriteAllLines(temporary, running.Concat(orphans), Encoding.ASCII);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a successor that finds no token waits for the heartbeat timeout, as without this file.
        }
    }

    private sealed class Inbound(InFlightActivities ledger, ActivityInboundInterceptor next) : ActivityInboundInterceptor(next)
    {
        public override async Task<object?> ExecuteActivityAsync(ExecuteActivityInput input)
        {
            var info = Temporalio.Activities.ActivityExecutionContext.Current.Info;
            if (info.IsLocal)
            {
                // Part of a workflow task (its token is the SDK's own): it ends with the task, which Temporal retries.
                return await base.ExecuteActivityAsync(input).ConfigureAwait(false);
            }

            var token = info.TaskToken;
            ledger.Started(token);
            try
            {
                return await base.ExecuteActivityAsync(input).ConfigureAwait(false);
            }
            finally
            {
                ledger.Ended(token);
            }
        }
    }
}

/// <summary>Fails an activity attempt of a dead worker by its task token, so Temporal retries it at once.</summary>
public interface IActivityTaskFailer
{
    /// <summary>
    /// Fails the attempt with a retryable error. True when it was failed or can no longer be (the server does not
    /// know the token: the attempt had ended); false when it should be tried again later (server unreachable).
    /// </summary>
    Task<bool> FailAsync(byte[] taskToken, CancellationToken cancellationToken);
}
