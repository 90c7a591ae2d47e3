using System.Text.Json;
using System.Text.Json.Serialization;

namespace Campaigns.TencentCall.Wire;

/// <summary>The serializer settings for both envelopes.</summary>
public static class WireJson
{
    /// <summary>
    /// Writes exactly the documented names (set per property) and omits absent optionals; reads
    /// leniently: numbers given as strings, names in either casing, strings given as numbers.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            PropertyNameCaseInsensitive = true,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        o.Converters.Add(new FlexibleStringConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
