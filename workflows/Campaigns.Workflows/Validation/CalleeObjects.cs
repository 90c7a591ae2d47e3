using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// Inline callees written as objects, <c>{"userId": "alice", "timeZone": "Asia/Tokyo"}</c> (docs/callee-time-zones.md):
/// turned into the plain id the rest of the contract reads, their zones gathered into
/// <see cref="Contract.CampaignSpec.CalleeTimeZones"/>, every problem named by its JSON path. Pure: safe in workflow code.
/// </summary>
internal static class CalleeObjects
{
    private static readonly string[] Fields = ["userId", "timeZone"];

    /// <summary>
    /// The campaign with each callee object replaced by its user id (the input itself when there is none), and the
    /// zones given (callee → zone and the path it was given at).
    /// </summary>
    public static (JsonElement Json, Dictionary<string, (string Zone, string Path)> Zones) Flatten(JsonElement json, List<string> problems)
    {
        var zones = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var property = json.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "callees", StringComparison.OrdinalIgnoreCase));
        if (property.Value.ValueKind != JsonValueKind.Array || !property.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object))
        {
            return (json, zones);
        }

        var root = JsonNode.Parse(json.GetRawText())!.AsObject();
        var callees = root[property.Name]!.AsArray();
        for (var i = 0; i < callees.Count; i++)
        {
            if (callees[i] is not JsonObject callee)
            {
                continue;
            }

            var path = $"$.callees[{i}]";
            string? userId = null;
            string? zone = null;
            foreach (var (name, value) in callee)
            {
                var known = Array.Find(Fields, f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (known is null)
                {
                    problems.Add($"{path}.{name}: unknown field (known fields here: {string.Join(", ", Fields)})");
                }
                else if (value is not null && text is null)
                {
                    problems.Add($"{path}.{name}: expected a string, got {value.GetValueKind().ToString().ToLowerInvariant()}");
                }
                else if (known == "userId")
                {
                    userId = text;
                }
                else if (text is not null)
                {
                    zone = text;
                    if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(text) is null)
                    {
                        problems.Add($"{path}.timeZone: \"{text}\" is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Berlin\")");
                    }
                }
            }

            if (userId is null)
            {
                problems.Add($"{path}.userId: required (a callee object is {{\"userId\": \"…\", \"timeZone\": \"…\"}})");
                callees[i] = JsonValue.Create(string.Empty);
                continue;
            }

            callees[i] = JsonValue.Create(userId);
            if (zone is not null)
            {
                zones.TryAdd(userId, (zone, $"{path}.timeZone"));
            }
        }

        using var document = JsonDocument.Parse(root.ToJsonString());
        return (document.RootElement.Clone(), zones);
    }
}
