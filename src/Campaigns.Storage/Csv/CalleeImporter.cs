namespace Campaigns.Storage.Csv;

/// <summary>What an import did: every row is either imported, already present, or rejected with its line.</summary>
public sealed record ImportReport(int Imported, int AlreadyPresent, IReadOnlyList<RejectedRow> Rejected);

/// <summary>Imports a CSV of callees into a registered campaign's targets, in file order.</summary>
public static class CalleeImporter
{
    /// <summary>
    /// Reads, validates and de-duplicates the file, drops callees on the do-not-call list, and
    /// appends the rest. Importing the same file again imports nothing and reports it all as present.
    /// </summary>
    public static async Task<ImportReport> ImportAsync(IOutcomeStore store, string campaignId, TextReader csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (accepted, rejected) = CalleeCsvReader.Read(csv);
        var dnc = await store.FindDoNotCallAsync(accepted.SelectMany(r => r.Callees), cancellationToken).ConfigureAwait(false);
        var rejections = rejected.ToList();
        var targets = new List<IReadOnlyList<string>>(accepted.Count);
        foreach (var row in accepted)
        {
            var blocked = row.Callees.FirstOrDefault(dnc.Contains);
            if (blocked is not null)
            {
                rejections.Add(new RejectedRow(row.Line, string.Join(';', row.Callees), $"callee '{blocked}' is on the do-not-call list"));
            }
            else
            {
                targets.Add(row.Callees);
            }
        }

        var added = await store.AddTargetsAsync(campaignId, targets, cancellationToken).ConfigureAwait(false);
        return new ImportReport(added.Added, added.AlreadyPresent, [.. rejections.OrderBy(r => r.Line)]);
    }
}
