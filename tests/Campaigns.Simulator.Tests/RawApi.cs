using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Campaigns.TencentCall.UserSig;
using Campaigns.Testing;

namespace Campaigns.Simulator.Tests;

/// <summary>Raw HTTP against the simulator, bypassing the client's own validation, as another caller might.</summary>
internal static class RawApi
{
    public static string Query(SimulatorHost sim, string? userSig = null, string identifier = "administrator", string? random = "12345", long? sdkAppId = null)
    {
        userSig ??= TlsSigV2.Generate(sim.Options.SdkAppId, identifier, sim.Options.SecretKey, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        var q = string.Create(CultureInfo.InvariantCulture, $"?sdkappid={sdkAppId ?? sim.Options.SdkAppId}&identifier={identifier}&usersig={Uri.EscapeDataString(userSig)}&contenttype=json");
        return random is null ? q : q + "&random=" + random;
    }

    public static async Task<JsonObject> PostAsync(SimulatorHost sim, string path, string body, string? query = null)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await sim.Admin.PostAsync(path + (query ?? Query(sim)), content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Posts without insisting on HTTP 200: the status, and the envelope when the body is one.</summary>
    public static async Task<(int Status, JsonObject? Envelope)> SendAsync(SimulatorHost sim, string path, HttpContent content, string? query = null)
    {
        using var response = await sim.Admin.PostAsync(path + (query ?? Query(sim)), content);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? envelope = null;
        try
        {
            envelope = text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not an envelope (an HTML or empty error page): the caller asserts on the status.
        }

        return ((int)response.StatusCode, envelope);
    }

    public static long Code(JsonObject envelope) => (long?)envelope["ErrorCode"] ?? (long)envelope["errorCode"]!;
}
