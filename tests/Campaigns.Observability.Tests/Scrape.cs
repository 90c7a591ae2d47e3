using System.Globalization;

namespace Campaigns.Observability.Tests;

/// <summary>One scrape of a Prometheus text endpoint: every sample by its series (name and labels as written).</summary>
internal sealed class Scrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private Scrape(string text, IReadOnlyList<(string Name, string Labels, double Value)> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<(string Name, string Labels, double Value)> Samples { get; }

    public static async Task<Scrape> FromAsync(Uri url)
    {
        var text = await Http.GetStringAsync(url);
        var samples = new List<(string, string, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var closing = line.LastIndexOf('}');
            var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = brace >= 0 && closing > brace ? line[(brace + 1)..closing] : string.Empty;
            var valueText = line[(closing >= 0 ? closing + 1 : name.Length)..].Trim().Split(' ')[0];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples.Add((name, labels, value));
            }
        }

        return new Scrape(text, samples);
    }

    /// <summary>The sum of a metric's samples whose labels contain every one of <paramref name="labels"/> (e.g. <c>api="get_call_info"</c>).</summary>
    public double Sum(string name, params string[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    public bool Has(string namePrefix) => Samples.Any(s => s.Name.StartsWith(namePrefix, StringComparison.Ordinal));
}
