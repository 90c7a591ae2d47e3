using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Campaigns.Storage.Csv;

/// <summary>A CSV row turned away, with its line number (1-based, as an editor shows it) and why.</summary>
public sealed record RejectedRow(int Line, string Value, string Reason);

/// <summary>A row accepted from the file: its line and its callees (one, or several for a group call).</summary>
public sealed record CalleeRow(int Line, IReadOnlyList<string> Callees);

/// <summary>
/// Reads callees from CSV: with or without a header row, one callee per row or a group separated by
/// <c>;</c> or <c>|</c>, trimmed, de-duplicated (a group is a set), every bad row reported by line.
/// </summary>
public static class CalleeCsvReader
{
    /// <summary>Most UTF-8 bytes of a callee id (an IM UserID).</summary>
    public const int MaxCalleeBytes = 32;

    private static readonly string[] HeaderNames = ["callee", "callees", "callee_account", "calleelist_account", "user", "userid", "user_id", "account"];
    private static readonly char[] GroupSeparators = [';', '|'];

    /// <summary>Reads every row; never throws on bad data, reporting it instead.</summary>
    public static (IReadOnlyList<CalleeRow> Accepted, IReadOnlyList<RejectedRow> Rejected) Read(TextReader reader)
    {
        var accepted = new List<CalleeRow>();
        var rejected = new List<RejectedRow>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var badLines = new HashSet<int>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = args =>
            {
                if (badLines.Add(args.Context.Parser!.RawRow))
                {
                    rejected.Add(new RejectedRow(args.Context.Parser.RawRow, Clip(args.RawRecord), "malformed CSV (stray or unbalanced quote)"));
                }
            },
        };

        using var csv = new CsvReader(reader, config);
        var column = 0;
        var first = true;
        while (Read(csv, rejected))
        {
            var line = csv.Parser.RawRow;
            var record = csv.Parser.Record ?? [];
            if (first)
            {
                first = false;
                var header = Array.FindIndex(record, f => HeaderNames.Contains(f.Trim().TrimStart('\uFEFF').ToLowerInvariant()));
                if (header >= 0)
                {
                    column = header;
                    continue;
                }
            }

            if (badLines.Contains(line))
            {
                continue;
            }

            var field = column < record.Length ? record[column].Trim() : "";
            if (Check(field) is { } problem)
            {
                rejected.Add(new RejectedRow(line, Clip(field), problem));
                continue;
            }

            var callees = field.Split(GroupSeparators, StringSplitOptions.TrimEntries);
            var key = string.Join(',', callees.Order(StringComparer.Ordinal));
            if (firstLineOf.TryGetValue(key, out var earlier))
            {
                rejected.Add(new RejectedRow(line, Clip(field), $"duplicate of line {earlier}"));
                continue;
            }

            firstLineOf[key] = line;
            accepted.Add(new CalleeRow(line, callees));
        }

        return (accepted, rejected);
    }

    // A parser error (e.g. an unterminated quote at the end of the file) ends the read; it is reported, not thrown.
    private static bool Read(CsvReader csv, List<RejectedRow> rejected)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvHelperException e)
        {
            rejected.Add(new RejectedRow(csv.Parser.RawRow, "", "malformed CSV: " + e.Message.Split('\n')[0]));
            return false;
        }
    }

    private static string? Check(string field)
    {
        if (field.Length == 0)
        {
            return "callee is empty";
        }

        var callees = field.Split(GroupSeparators, StringSplitOptions.TrimEntries);
        foreach (var callee in callees)
        {
            if (callee.Length == 0)
            {
                return "a group has an empty callee";
            }

            if (Encoding.UTF8.GetByteCount(callee) > MaxCalleeBytes)
            {
                return $"callee '{Clip(callee)}' is longer than {MaxCalleeBytes} bytes";
            }

            if (callee.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
            {
                return $"callee '{Clip(callee)}' contains a space, a comma or a control character";
            }
        }

        var twice = callees.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"callee '{twice.Key}' appears twice in one group";
    }

    private static string Clip(string? value) => value is null ? "" : value.Length <= 80 ? value.TrimEnd('\r', '\n') : value[..80] + "…";
}
