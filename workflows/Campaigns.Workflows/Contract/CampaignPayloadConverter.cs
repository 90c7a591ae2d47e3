using System.Text;
using System.Text.Json;
using Temporalio.Api.Common.V1;
using Temporalio.Converters;

namespace Campaigns.Workflows.Contract;

/// <summary>
/// The SDK's JSON payload converter, except that a payload that cannot be read as a <see cref="JsonElement"/>
/// (not JSON, empty, trailing garbage, invalid UTF-8, an encoding we do not know) becomes a JSON object naming
/// the problem (<see cref="UndecodableProperty"/>) instead of an exception. The campaign workflow takes its
/// input as a <see cref="JsonElement"/>: a client other than ours (another SDK sending raw <c>json/plain</c>)
/// would otherwise fail the workflow task over and over, leaving the workflow Running for ever; this way
/// validation fails it at once with <c>InvalidCampaign</c>. Pure and deterministic.
/// </summary>
public sealed class CampaignPayloadConverter(IPayloadConverter inner) : IPayloadConverter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The property of the object that stands for an input that could not be read.</summary>
    public const string UndecodableProperty = "$undecodable";

    /// <inheritdoc />
    public Payload ToPayload(object? value) => inner.ToPayload(value);

    /// <inheritdoc />
    public object? ToValue(Payload payload, Type type)
    {
        if (type != typeof(JsonElement))
        {
            return inner.ToValue(payload, type);
        }

        try
        {
            // System.Text.Json reads invalid UTF-8 inside a string or a property name without a word and throws
            // only when the text is read later (in validation): check the whole document here instead.
            _ = StrictUtf8.GetCharCount(payload.Data.Span);
            return inner.ToValue(payload, type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or NotSupportedException or FormatException)
        {
            var encoding = payload.Metadata.TryGetValue("encoding", out var value) ? value.ToStringUtf8() : "none";
            var reason = $"{payload.Data.Length} bytes with encoding {encoding} are not a JSON document ({FirstLine(e.Message)})";
            return JsonSerializer.SerializeToElement(new Dictionary<string, string> { [UndecodableProperty] = reason });
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
