using System.Globalization;
using Campaigns.Storage.Model;

namespace Campaigns.Storage.Csv;

/// <summary>A CSV row turned away, with its line number (1-based, as an editor shows it) and why.</summary>
public sealed record RejectedRow(int Line, string Value, string Reason);

/// <summary>A row accepted from the file: its line and its callees (one, or several for a group call).</summary>
public sealed record CalleeRow(int Line, IReadOnlyList<string> Callees)
{
    /// <summary>The row's IANA time zone (the <c>time_zone</c> column), null when the file has none or the cell is empty.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>What a file held: <see cref="Rows"/> data rows, each either accepted or rejected with its line.</summary>
public sealed record CalleeFile(int Rows, IReadOnlyList<CalleeRow> Accepted, IReadOnlyList<RejectedRow> Rejected);

/// <summary>
/// Reads callees from CSV, one record per line. An optional <c>sep=;</c> line (as spreadsheets write it)
/// sets the delimiter; otherwise a header row naming the callee column (<c>callee</c>, <c>user_id</c>, …)
/// may use <c>,</c>, <c>;</c> or a tab, and without a header the first column of a comma-separated file
/// is read. A group call is one field with callees separated by <c>;</c> or <c>|</c> (only <c>|</c> when
/// <c>;</c> is the delimiter). Callee ids are trimmed, NFC-normalised and checked by the vendor's rule. A
/// first line that looks like a header but names no callee column (<c>phone</c>, <c>name</c>, …) is not
/// read as a callee: the file is rejected row by row, saying so. Blank lines are not rows; every other
/// line is accepted or rejected with its line number. A header may also name a <c>time_zone</c> column
/// (or <c>timezone</c>): each row's IANA zone, empty when unknown (docs/callee-time-zones.md).
/// </summary>
public static class CalleeCsvReader
{
    /// <summary>Most UTF-8 bytes of a callee id (an IM UserID).</summary>
    public const int MaxCalleeBytes = CalleeId.MaxBytes;

    private static readonly string[] HeaderNames = ["callee", "callees", "callee_account", "calleelist_account", "user", "userid", "user_id", "account"];

    // Column names a contact export has, none of which says it holds IM user ids.
    private static readonly string[] OtherHeaders =
    [
        "phone", "phone_number", "phonenumber", "mobile", "cell", "tel", "telephone", "number", "msisdn",
        "name", "first_name", "last_name", "firstname", "lastname", "full_name", "email", "e-mail", "mail", "id", "contact",
    ];

    private static readonly string[] ZoneHeaderNames = ["time_zone", "timezone"];

    private static readonly char[] Delimiters = [',', ';', '\t'];

    /// <summary>Reads every line; never throws on bad data, reporting it instead.</summary>
    public static CalleeFile Read(TextReader reader, int maxGroupCallees = CalleeId.DefaultMaxGroupCallees)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new List<(int Line, string Text)>();
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            text = number == 1 ? text.TrimStart('\uFEFF') : text;
            if (!string.IsNullOrWhiteSpace(text))
            {
                lines.Add((number, text));
            }
        }

        var accepted = new List<CalleeRow>();
        var rejected = new List<RejectedRow>();
        var first = 0;
        char? delimiter = null;
        if (lines.Count > 0 && SepLine(lines[0].Text) is { } sep)
        {
            delimiter = sep;
            first = 1;
        }

        var column = 0;
        var zoneColumn = -1;
        if (first < lines.Count)
        {
            var (line, text) = lines[first];
            var header = FindHeader(text, delimiter);
            if (header is { } h)
            {
                (delimiter, column) = (h.Delimiter, h.Column);
                zoneColumn = CsvLine.Split(text, h.Delimiter).Fields!.FindIndex(f => ZoneHeaderNames.Contains(f.ToLowerInvariant()));
                first++;
            }
            else if (LooksLikeHeader(text) is { } word)
            {
                var reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"no callee column: the header on line {line} ('{word}') names none; name it one of {string.Join(", ", HeaderNames)}");
                rejected.AddRange(lines.Skip(first).Select(l => new RejectedRow(l.Line, Clip(l.Text), l.Line == line ? "looks like a header, not a callee; " + reason : reason)));
                return new CalleeFile(lines.Count - first, accepted, rejected);
            }
        }

        var sepChar = delimiter ?? ',';
        char[] groupSeparators = sepChar == ';' ? ['|'] : sepChar == '|' ? [';'] : [';', '|'];
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, text) in lines.Skip(first))
        {
            var (fields, malformed) = CsvLine.Split(text, sepChar);
            var field = fields is null ? string.Empty : column < fields.Count ? CalleeId.Normalize(fields[column]) : string.Empty;
            var callees = field.Split(groupSeparators, StringSplitOptions.TrimEntries);
            var zone = fields is not null && zoneColumn >= 0 && zoneColumn < fields.Count && fields[zoneColumn].Length > 0 ? fields[zoneColumn] : null;
            var problem = malformed ?? Check(callees, maxGroupCallees) ?? (zone is null ? null : ZoneProblem(zone));
            if (problem is not null)
            {
                rejected.Add(new RejectedRow(line, Clip(fields is null ? text : field), problem));
                continue;
            }

            var key = Target.KeyOf(callees);
            if (firstLineOf.TryGetValue(key, out var earlier))
            {
                rejected.Add(new RejectedRow(line, Clip(field), $"duplicate of line {earlier}"));
                continue;
            }

            firstLineOf[key] = line;
            accepted.Add(new CalleeRow(line, callees) { TimeZone = zone });
        }

        return new CalleeFile(lines.Count - first, accepted, rejected);
    }

    // Excel's "sep=;" first line: it names the delimiter and is not data.
    private static char? SepLine(string text)
    {
        var t = text.Trim();
        return t.Length == 5 && t.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) ? t[4] : null;
    }

    private static (char Delimiter, int Column)? FindHeader(string text, char? delimiter)
    {
        foreach (var d in delimiter is { } given ? [given] : Delimiters)
        {
            if (CsvLine.Split(text, d).Fields is { } fields)
            {
                var column = fields.FindIndex(f => HeaderNames.Contains(f.ToLowerInvariant()));
                if (column >= 0)
                {
                    return (d, column);
                }
            }
        }

        return null;
    }

    private static string? LooksLikeHeader(string text) => Delimiters
        .Select(d => CsvLine.Split(text, d).Fields)
        .Where(f => f is not null)
        .SelectMany(f => f!)
        .FirstOrDefault(f => OtherHeaders.Contains(f.ToLowerInvariant()));

    private static string? Check(string[] callees, int maxGroupCallees)
    {
        if (callees.Length == 1 && callees[0].Length == 0)
        {
            return "callee is empty";
        }

        if (callees.Any(c => c.Length == 0))
        {
            return "a group has an empty callee";
        }

        var problem = callees.Select(CalleeId.Problem).FirstOrDefault(p => p is not null) ?? CalleeId.GroupProblem(callees.Length, maxGroupCallees);
        if (problem is not null)
        {
            return problem;
        }

        var twice = callees.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"callee '{twice.Key}' appears twice in one group";
    }

    private static string? ZoneProblem(string zone) => TimeZoneIds.Problem(zone) is { } problem ? "time_zone: " + problem : null;

    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
