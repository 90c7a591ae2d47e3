using System.Text.Json;
using Campaigns.Workflows.Contract;

namespace Campaigns.Cli.Tests;

/// <summary>
/// Malformed/*.json (issue 12 §3): every file is refused by <c>campaigns validate</c> and <c>campaigns submit</c>,
/// naming the field, and nothing starts. Malformed/cases.json lists each file's field and campaign id.
/// </summary>
[Trait("Needs", "Temporal")]
[Collection(TemporalTests.Name)]
public sealed class MalformedCorpusTests(TemporalServer temporal)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Malformed");

    public static TheoryData<string, string, string?> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        var data = new TheoryData<string, string, string?>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("file").GetString()!, c.GetProperty("field").GetString()!, c.GetProperty("campaignId").GetString());
        }

        return data;
    }

    [Fact]
    public void Corpus_HasAtLeastFiftyCases_AndEveryFileIsListed()
    {
        var listed = Cases().Select(c => (string)c[0]).ToHashSet();
        var files = Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).Where(f => f != "cases.json").ToHashSet();
        Assert.True(listed.Count >= 50, $"{listed.Count} cases");
        Assert.Equal(files.Order(), listed.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedFile_IsRefused_NamingTheField_NothingStarted(string file, string field, string? campaignId)
    {
        await using var h = await CliHarness.StartAsync(temporal, withStore: false);
        var path = Path.Combine(Folder, file);

        var validate = (await h.RunAsync("validate", path)).Exits(2).NoStackTrace();
        Assert.Contains($"\n  {field}: ", "\n" + validate.Error, StringComparison.Ordinal);

        var submit = (await h.RunAsync("submit", path)).Exits(2).NoStackTrace();
        Assert.Contains($"\n  {field}: ", "\n" + submit.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was started", submit.Error, StringComparison.Ordinal);
        if (campaignId is not null)
        {
            Assert.False(await temporal.ExistsAsync(CampaignSearch.WorkflowIdOf(campaignId)), $"{file} started a workflow");
        }
    }
}
