using Campaigns.Storage.Model;

namespace Campaigns.Storage.Csv;

/// <summary>
/// What an import did. Every data row of the file is counted once: <see cref="Rows"/> =
/// <see cref="Imported"/> + <see cref="AlreadyPresent"/> (already a target of the campaign) +
/// <see cref="Rejected"/>.Count (malformed, invalid, a duplicate within the file, or on the do-not-call list).
/// </summary>
public sealed record ImportReport(int Imported, int AlreadyPresent, IReadOnlyList<RejectedRow> Rejected, int Rows);

/// <summary>Imports a CSV of callees into a registered campaign's targets, in file order.</summary>
public static class CalleeImporter
{
    /// <summary>
    /// Reads, validates and de-duplicates the file, drops callees on the do-not-call list, and
    /// appends the rest. Importing the same file again imports nothing and reports it all as present.
    /// </summary>
    public static Task<ImportReport> ImportAsync(IOutcomeStore store, string campaignId, TextReader csv, CancellationToken cancellationToken = default) =>
        ImportAsync(store, campaignId, csv, CalleeId.DefaultMaxGroupCallees, cancellationToken);

    /// <summary>As above, with a group size other than the vendor's (match <c>OutcomeStore:MaxGroupCallees</c>).</summary>
    public static async Task<ImportReport> ImportAsync(
        IOutcomeStore store, string campaignId, TextReader csv, int maxGroupCallees, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var file = CalleeCsvReader.Read(csv, maxGroupCallees);
        var dnc = await store.FindDoNotCallAsync(file.Accepted.SelectMany(r => r.Callees), cancellationToken).ConfigureAwait(false);
        var rejections = file.Rejected.ToList();
        var targets = new List<NewTarget>(file.Accepted.Count);
        foreach (var row in file.Accepted)
        {
            var blocked = row.Callees.FirstOrDefault(dnc.Contains);
            if (blocked is not null)
            {
                rejections.Add(new RejectedRow(row.Line, string.Join(';', row.Callees), $"callee '{blocked}' is on the do-not-call list"));
            }
            else
            {
                targets.Add(new NewTarget(row.Callees, row.TimeZone));
            }
        }

        var added = await store.AddZonedTargetsAsync(campaignId, targets, cancellationToken).ConfigureAwait(false);
        return new ImportReport(added.Added, added.AlreadyPresent, [.. rejections.OrderBy(r => r.Line)], file.Rows);
    }
}
