using System.Text.RegularExpressions;

namespace Campaigns.TencentCall.Http;

/// <summary>Removes credentials from text that may reach a log or an exception.</summary>
public static partial class Redaction
{
    /// <summary>Replaces the value of every <c>usersig=</c> (any casing) with <c>***</c>.</summary>
    public static string Redact(string? text) =>
        text is null ? string.Empty : UserSigParameter().Replace(text, "$1***");

    [GeneratedRegex("(usersig=)[^&\\s\"']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserSigParameter();
}
