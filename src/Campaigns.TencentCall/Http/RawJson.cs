using System.Text.Json;

namespace Campaigns.TencentCall.Http;

/// <summary>Pulls the raw text of a nested element, so records can be kept exactly as received.</summary>
internal static class RawJson
{
    public static string? Find(string body, params string[] path)
    {
        using var doc = JsonDocument.Parse(body);
        return Walk(doc.RootElement, path) is { } e ? e.GetRawText() : null;
    }

    public static IReadOnlyList<string> FindArray(string body, params string[] path)
    {
        using var doc = JsonDocument.Parse(body);
        return Walk(doc.RootElement, path) is { ValueKind: JsonValueKind.Array } e
            ? [.. e.EnumerateArray().Select(x => x.GetRawText())]
            : [];
    }

    // Names are matched case-insensitively, as the envelope parser does.
    private static JsonElement? Walk(JsonElement element, string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var found = element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (found.Value.ValueKind == JsonValueKind.Undefined)
            {
                return null;
            }

            element = found.Value;
        }

        return element.ValueKind == JsonValueKind.Null ? null : element;
    }
}
