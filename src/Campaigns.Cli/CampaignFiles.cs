using System.Text.Json;
using System.Text.Json.Nodes;
using Campaigns.Workflows.Validation;

namespace Campaigns.Cli;

/// <summary>Reads an operator's files with errors that name the file and say what to do.</summary>
internal static class CampaignFiles
{
    public static async Task<string> ReadTextAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Invalid, $"cannot read {what} {path}: {e.Message}", "check the path", e);
        }
    }

    public static TextReader OpenCsv(string path)
    {
        try
        {
            return new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Invalid, $"cannot read the callee CSV {path}: {e.Message}", "check the path given to --csv", e);
        }
    }

    /// <summary>
    /// Validates with the workflow's own validator, at this moment (a startAt or endBy already past is a problem);
    /// invalid means exit 2 with every problem by its JSON path.
    /// </summary>
    public static ValidationResult ValidOrThrow(string json, string path)
    {
        var validation = CampaignValidator.Validate(json, DateTimeOffset.UtcNow);
        if (!validation.IsValid)
        {
            throw Invalid(path, validation.Problems);
        }

        return validation;
    }

    public static CliException Invalid(string path, IReadOnlyList<string> problems) => new(
        ExitCodes.Invalid,
        $"{path} is not a valid campaign ({problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}); nothing was started",
        "fix each field named above (docs/campaign-json.md lists every rule)")
    {
        Details = problems,
    };

    /// <summary>
    /// The template of a schedule (<c>schedule create</c>): the campaign with <c>recurring: true</c>, and its
    /// campaignId replaced by <paramref name="scheduleId"/> when given. Validated by the caller.
    /// </summary>
    public static string AsRecurringTemplate(string json, string path, string? scheduleId)
    {
        JsonObject campaign;
        try
        {
            campaign = JsonNode.Parse(json) as JsonObject ?? throw Invalid(path, ["$: a campaign is a JSON object"]);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or a field given twice: the validator names the problem.
            throw Invalid(path, CampaignValidator.Validate(json).Problems is { Count: > 0 } problems ? problems : [$"$: {e.Message}"]);
        }

        void Set(string name, JsonNode value)
        {
            foreach (var key in campaign.Select(p => p.Key).Where(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                campaign.Remove(key);
            }

            campaign[name] = value;
        }

        if (scheduleId is not null)
        {
            Set("campaignId", scheduleId);
        }

        Set("recurring", true);
        return campaign.ToJsonString();
    }

    /// <summary>
    /// A template for <c>submit --csv</c>: the campaign without targets, <c>targetsImported</c> set to true (the
    /// targets come from the CSV). Targets in the template would be a second, conflicting list: refused.
    /// </summary>
    public static string AsImportTemplate(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Invalid(path, CampaignValidator.Validate(json).Problems);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, ["$: a campaign is a JSON object"]);
            }

            static bool Is(JsonProperty p, string name) => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase);
            var listed = document.RootElement.EnumerateObject()
                .Where(p => (Is(p, "callees") || Is(p, "groups")) && p.Value.ValueKind != JsonValueKind.Null
                    && !(p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0))
                .Select(p => $"$.{p.Name}: the template lists targets, but with --csv the targets come from the CSV; remove {p.Name} from the template")
                .ToList();
            if (listed.Count > 0)
            {
                throw Invalid(path, listed);
            }

            // Copied field by field (a repeated field stays repeated, for the validator to name), targets left out.
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                var wrongType = false;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    // A targetsImported that is not a boolean stays, for the validator to name; true or false becomes true.
                    var keep = Is(property, "targetsImported")
                        ? property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                        : !Is(property, "callees") && !Is(property, "groups");
                    if (keep)
                    {
                        wrongType |= Is(property, "targetsImported");
                        property.WriteTo(writer);
                    }
                }

                if (!wrongType)
                {
                    writer.WriteBoolean("targetsImported", true);
                }

                writer.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
