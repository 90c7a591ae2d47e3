using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace Campaigns.Workflows.Validation;

/// <summary>
/// Binds operator JSON to the contract types and reports every problem by its JSON path instead of
/// stopping at the first (System.Text.Json throws once and names one path). Unknown fields, wrong types
/// and repeated fields are all problems: a mis-spelt field must never be silently ignored.
/// </summary>
internal static class JsonBinder
{
    public static T? Bind<T>(JsonElement element, List<string> problems)
        where T : class => (T?)Bind(element, typeof(T), "$", problems);

    private static object? Bind(JsonElement element, Type type, string path, List<string> problems)
    {
        if (IsContractRecord(type))
        {
            return BindObject(element, type, path, problems);
        }

        if (ListElementType(type) is { } itemType)
        {
            return BindList(element, itemType, path, problems);
        }

        try
        {
            return element.Deserialize(type, Contract.CampaignJson.Options);
        }
        catch (JsonException)
        {
            problems.Add($"{path}: expected {Describe(type)}, got {Describe(element)}");
            return null;
        }
    }

    private static object? BindObject(JsonElement element, Type type, string path, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            if (element.ValueKind != JsonValueKind.Null)
            {
                problems.Add($"{path}: expected an object, got {Describe(element)}");
            }

            return null;
        }

        var instance = Activator.CreateInstance(type)!;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in element.EnumerateObject())
        {
            var fieldPath = $"{path}.{field.Name}";
            var property = properties.Find(p => string.Equals(p.Name, field.Name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var known = string.Join(", ", properties.Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)));
                problems.Add($"{fieldPath}: unknown field (known fields here: {known})");
                continue;
            }

            if (!seen.Add(property.Name))
            {
                problems.Add($"{fieldPath}: given more than once");
                continue;
            }

            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = Bind(field.Value, property.PropertyType, fieldPath, problems);
            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        return instance;
    }

    private static IList? BindList(JsonElement element, Type itemType, string path, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{path}: expected an array, got {Describe(element)}");
            return null;
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var value = Bind(item, itemType, $"{path}[{index}]", problems);
            if (value is null && item.ValueKind == JsonValueKind.Null)
            {
                problems.Add($"{path}[{index}]: must not be null");
            }

            list.Add(value);
            index++;
        }

        return list;
    }

    private static bool IsContractRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(Contract.CampaignSpec).Namespace;

    private static Type? ListElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t).Select(n => $"\"{n}\""));
        }

        return t == typeof(string) ? "a string"
            : t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) ? "a whole number"
            : t.Name;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(element.GetString())}\"",
        JsonValueKind.Number => $"the number {Truncate(element.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Truncate(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
