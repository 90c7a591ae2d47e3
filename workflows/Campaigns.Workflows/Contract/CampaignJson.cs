using System.Text.Json;
using System.Text.Json.Serialization;
using Temporalio.Converters;

namespace Campaigns.Workflows.Contract;

/// <summary>
/// The one JSON convention of the project: camelCase, enums as strings, property names case-insensitive.
/// The SDK's default converter is case-sensitive and silently leaves a mis-cased field null, so client,
/// worker and replayer all use <see cref="DataConverter"/>.
/// </summary>
public static class CampaignJson
{
    /// <summary>Serializer options for payloads and for reading operators' files.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The data converter for every Temporal client, worker and replayer of this project.</summary>
    public static DataConverter DataConverter { get; } = DataConverter.Default with
    {
        // An input that is not JSON at all reaches the workflow as a validation problem, not a task failure loop.
        PayloadConverter = new CampaignPayloadConverter(new DefaultPayloadConverter(Options)),
    };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.Strict,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
