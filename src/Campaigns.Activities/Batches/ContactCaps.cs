using Campaigns.Storage;
using Campaigns.Storage.Model;
using Campaigns.Workflows.Contract;
using Microsoft.Extensions.Options;

namespace Campaigns.Activities.Batches;

/// <summary>
/// The caps a campaign's claims are checked against (docs/contact-policy.md): the app's policy, read from the store at
/// most every <see cref="ContactPolicyOptions.RefreshSeconds"/>, tightened by the campaign's <c>contactPolicy</c>, as
/// rolling windows of <see cref="ContactPolicyOptions.DaySeconds"/>. A campaign value looser than the app's is clamped
/// here (the app's holds), whatever was checked when it was submitted: the app's policy may have changed since.
/// </summary>
public sealed class ContactCaps(IOutcomeStore store, IOptions<CampaignWorkerOptions> options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim reading = new(1, 1);
    private Snapshot? last; // a reference: read and replaced whole by any thread

    /// <summary>The caps for <paramref name="spec"/> (empty: nothing caps its callees).</summary>
    public async ValueTask<IReadOnlyList<ContactCap>> ForAsync(CampaignSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var app = await AppPolicyAsync(cancellationToken).ConfigureAwait(false);
        var own = spec.ContactPolicy is { } p ? new ContactPolicy { PerDay = p.PerDay, PerWeek = p.PerWeek, Per30Days = p.Per30Days } : null;
        var policy = app is null ? own : app.Tighten(own);
        return policy is null ? [] : policy.Caps(options.Value.ContactPolicy.Day);
    }

    private async ValueTask<ContactPolicy?> AppPolicyAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached.Policy;
        }

        // One read at a time: the attempts of every batch ask at once when the cached policy expires.
        await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } again)
            {
                return again.Policy;
            }

            var policy = await store.GetContactPolicyAsync(cancellationToken).ConfigureAwait(false);
            last = new Snapshot(policy, time.GetUtcNow());
            return policy;
        }
        finally
        {
            reading.Release();
        }
    }

    private Snapshot? Fresh() => last is { } l && time.GetUtcNow() - l.ReadAt < options.Value.ContactPolicy.Refresh ? l : null;

    /// <inheritdoc />
    public void Dispose() => reading.Dispose();

    private sealed record Snapshot(ContactPolicy? Policy, DateTimeOffset ReadAt);
}
