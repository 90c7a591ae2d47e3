using System.Text;

namespace Campaigns.Storage.Csv;

/// <summary>
/// Splits one line of CSV into fields (RFC 4180 quoting: <c>"a,b"</c>, <c>""</c> for a quote). A record
/// never spans lines here: a quote left open at the end of a line is that line's error, so a single bad
/// quote cannot swallow the rest of a file.
/// </summary>
internal static class CsvLine
{
    /// <summary>The fields, trimmed; or null and the reason the line is malformed.</summary>
    public static (List<string>? Fields, string? Problem) Split(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            // Leading blanks of a field are not part of it (fields are trimmed anyway).
            while (i < line.Length && line[i] is ' ' or '\t' && line[i] != delimiter)
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (!closed)
                {
                    return (null, "malformed CSV: a quote is not closed on this line");
                }

                while (i < line.Length && line[i] != delimiter)
                {
                    if (!char.IsWhiteSpace(line[i++]))
                    {
                        return (null, "malformed CSV: text after a closing quote");
                    }
                }
            }
            else
            {
                while (i < line.Length && line[i] != delimiter)
                {
                    if (line[i] == '"')
                    {
                        return (null, "malformed CSV: a stray quote inside an unquoted field");
                    }

                    field.Append(line[i++]);
                }
            }

            fields.Add(field.ToString().Trim());
            field.Clear();
            if (i >= line.Length)
            {
                return (fields, null);
            }

            i++; // the delimiter
        }
    }
}
