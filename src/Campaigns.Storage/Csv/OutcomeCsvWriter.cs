using System.Globalization;
using CsvHelper;

namespace Campaigns.Storage.Csv;

/// <summary>Exports a campaign's outcomes as CSV, one row per callee per attempt, in target order.</summary>
public static class OutcomeCsvWriter
{
    /// <summary>Writes the header and every outcome; returns how many rows were written.</summary>
    public static async Task<int> WriteAsync(IOutcomeStore store, string campaignId, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var csv = new CsvWriter(output, CultureInfo.InvariantCulture, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            string[] header = ["target", "attempt", "callee", "call_id", "result", "raw_result", "start_time", "accept_time", "end_time", "talk_seconds"];
            foreach (var h in header)
            {
                csv.WriteField(h);
            }

            await csv.NextRecordAsync().ConfigureAwait(false);
            var count = 0;
            await foreach (var row in store.ReadOutcomesAsync(campaignId, cancellationToken).ConfigureAwait(false))
            {
                csv.WriteField(row.TargetSeq);
                csv.WriteField(row.AttemptNo);
                csv.WriteField(row.Callee);
                csv.WriteField(row.CallId);
                csv.WriteField(row.Result);
                csv.WriteField(row.RawResult);
                csv.WriteField(Iso(row.StartTime));
                csv.WriteField(Iso(row.AcceptTime));
                csv.WriteField(Iso(row.EndTime));
                csv.WriteField(row.DurationMs is { } ms ? (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) : string.Empty);
                await csv.NextRecordAsync().ConfigureAwait(false);
                count++;
            }

            await csv.FlushAsync().ConfigureAwait(false);
            return count;
        }
    }

    private static string Iso(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? string.Empty;
}
