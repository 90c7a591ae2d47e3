using System.Diagnostics;
using System.Globalization;
using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Endpoints;
using Campaigns.TencentCall.Wire;

namespace Campaigns.Simulator.Callbacks;

/// <summary>What the callback sender has done so far (<c>GET /admin/callbacks</c>).</summary>
public sealed record CallbackStats(long Events, long Lost, long Duplicated, long Delivered, long Failed, long Pending);

/// <summary>
/// Turns what happens in calls into the vendor's callbacks and POSTs them to the configured URL, as
/// <see cref="CallbackPlanner"/> decides (late, twice, out of order, never). Each event is scheduled
/// when its call is placed (every fate is known then) and checked again when due: an event that end_call
/// made impossible is dropped. Nothing is retried: a failed POST is counted and forgotten.
/// </summary>
public sealed class CallbackSender : BackgroundService
{
    private readonly SimulatorOptions options;
    private readonly CallBook book;
    private readonly CallbackPlanner planner;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly PriorityQueue<Func<CallbackBody?>, long> due = new();
    private readonly Lock gate = new();
    private long events;
    private long lost;
    private long duplicated;
    private long delivered;
    private long failed;

    /// <summary>Listens to <paramref name="book"/>; calls placed while no callback URL is configured send nothing.</summary>
    public CallbackSender(SimulatorOptions options, CallBook book, CallbackPlanner planner)
    {
        this.options = options;
        this.book = book;
        this.planner = planner;
        book.Placed += OnPlaced;
        book.EndedByApi += OnEndedByApi;
    }

    /// <summary>The counts so far.</summary>
    public CallbackStats Stats
    {
        get
        {
            lock (gate)
            {
                return new(events, lost, duplicated, delivered, failed, due.Count);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Func<CallbackBody?>? next = null;
            lock (gate)
            {
                if (due.TryPeek(out _, out var at) && at <= Stopwatch.GetTimestamp())
                {
                    next = due.Dequeue();
                }
            }

            if (next is null)
            {
                await Task.Delay(10, stoppingToken).ConfigureAwait(false);
                continue;
            }

            // The URL when the callback leaves: set_callback and delete_callback apply to callbacks still due.
            if (next() is { } body && options.Callbacks.Current is { Url: { } url } current
                && (current.Commands is null || current.Commands.Contains(body.CallbackCommand, StringComparer.Ordinal)))
            {
                _ = PostAsync(url, body, stoppingToken);
            }
        }
    }

    private void OnPlaced(SimCall call)
    {
        if (options.Callbacks.Url is null)
        {
            return;
        }

        Schedule(call.Start, () => new CallbackBody
        {
            CallbackCommand = CallbackCommands.AfterStartCall,
            CallId = call.CallId,
            EventTime = call.Start.ToUnixTimeMilliseconds(),
            UserList = Users(call, call.Start),
        });

        foreach (var plan in call.Rung)
        {
            if (plan.AcceptAt is { } accepted)
            {
                Schedule(accepted, () => accepted < call.End ? Member(call, accepted, plan.Callee, "Accept") : null);
            }

            var action = plan.Behaviour switch
            {
                CalleeBehaviour.Answer => "HangUp",
                CalleeBehaviour.Reject => "Reject",
                CalleeBehaviour.Busy => "LineBusy",
                CalleeBehaviour.Offline => "Offline",
                _ => "NotAnswer",
            };
            Schedule(plan.LeaveAt, () => plan.LeaveAt <= call.End && !(call.EndedByApi && plan.LeaveAt == call.End)
                ? Member(call, plan.LeaveAt, plan.Callee, action) : null);
        }

        var naturalEnd = call.End;
        Schedule(naturalEnd, () => call.EndedByApi ? null : Ended(call));
    }

    private void OnEndedByApi(SimCall call)
    {
        if (options.Callbacks.Url is not null)
        {
            Schedule(call.End, () => Ended(call));
        }
    }

    private static CallbackBody Member(SimCall call, DateTimeOffset at, string callee, string action) => new()
    {
        CallbackCommand = CallbackCommands.AfterMemberChanged,
        CallId = call.CallId,
        EventTime = at.ToUnixTimeMilliseconds(),
        UserList = Users(call, at),
        ChangedUserList = [new ChangedUser(callee, action)],
    };

    private static CallbackBody Ended(SimCall call) => new()
    {
        CallbackCommand = CallbackCommands.AfterEndCall,
        CallId = call.CallId,
        EventTime = call.End.ToUnixTimeMilliseconds(),
        CallRecord = RecordShapes.ToV4(call),
    };

    private static List<V4User> Users(SimCall call, DateTimeOffset at) =>
        [.. call.UsersAt(at).Select(u => new V4User { UserAccount = u.Account, Status = u.Status })];

    // An event at simulated time `at` leaves after each planned delay, converted to real time.
    private void Schedule(DateTimeOffset at, Func<CallbackBody?> build)
    {
        var delays = planner.Plan();
        var clock = book.Clock;
        lock (gate)
        {
            events++;
            lost += delays.Count == 0 ? 1 : 0;
            duplicated += delays.Count > 1 ? 1 : 0;
            foreach (var delay in delays)
            {
                var wait = Math.Max(0, (at - clock.Now + delay).TotalSeconds / clock.TimeScale);
                due.Enqueue(build, Stopwatch.GetTimestamp() + (long)(Math.Min(wait, 86_400) * Stopwatch.Frequency));
            }
        }
    }

    private async Task PostAsync(Uri url, CallbackBody body, CancellationToken cancellationToken)
    {
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"{(url.Query.Length > 0 ? "&" : "?")}SdkAppid={options.SdkAppId}&CallbackCommand={body.CallbackCommand}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI");
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(url + query), body, WireJson.Options, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref delivered : ref failed);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Interlocked.Increment(ref failed);
        }
    }
}
