using System.Reflection;
using Campaigns.Storage;
using Campaigns.Storage.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Campaigns.Workflows.Tests;

/// <summary>
/// A store that answers some dial claims only after a stall, as a worker frozen right after its claim commits
/// (a GC pause, SIGSTOP, a stalled VM) would see it: the claim is stored at once, the caller learns of it late.
/// Every other call passes straight through (a DispatchProxy over <see cref="IOutcomeStore"/>).
/// </summary>
public class StallingStore : DispatchProxy
{
    private IOutcomeStore inner = null!;
    private Func<int, bool> stallClaim = _ => false;
    private TimeSpan stall;
    private int claims;

    private static int stalled;

    /// <summary>Claims that stalled (their answer came late), in this process.</summary>
    public static int Stalled => Volatile.Read(ref stalled);

    /// <summary>Replaces the worker's store with one whose claims numbered <paramref name="stallClaim"/> answer <paramref name="stall"/> late.</summary>
    public static void Install(HostApplicationBuilder builder, Func<int, bool> stallClaim, TimeSpan stall)
    {
        var original = builder.Services.Single(d => d.ServiceType == typeof(IOutcomeStore));
        var fleet = builder.Services.Single(d => d.ServiceType == typeof(IFleetRegistry));
        builder.Services.Remove(original);
        builder.Services.Remove(fleet);
        builder.Services.AddSingleton(sp => new Inner((IOutcomeStore)original.ImplementationFactory!(sp)));
        builder.Services.AddSingleton<IOutcomeStore>(sp =>
        {
            var proxy = Create<IOutcomeStore, StallingStore>();
            var stalling = (StallingStore)(object)proxy;
            (stalling.inner, stalling.stallClaim, stalling.stall) = (sp.GetRequiredService<Inner>().Store, stallClaim, stall);
            return proxy;
        });
        builder.Services.AddSingleton(sp => (IFleetRegistry)sp.GetRequiredService<Inner>().Store);
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var result = targetMethod!.Invoke(inner, args);
        return targetMethod.Name == nameof(IOutcomeStore.ClaimDialAsync) && stallClaim(Interlocked.Increment(ref claims))
            ? StallAsync((Task<DialClaim>)result!)
            : result;
    }

    private async Task<DialClaim> StallAsync(Task<DialClaim> claim)
    {
        var answer = await claim.ConfigureAwait(false);
        Interlocked.Increment(ref stalled);
        await Task.Delay(stall).ConfigureAwait(false);
        return answer;
    }

    private sealed record Inner(IOutcomeStore Store);
}
