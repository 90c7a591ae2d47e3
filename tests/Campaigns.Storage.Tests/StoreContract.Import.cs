using Campaigns.Storage.Csv;

namespace Campaigns.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Import_TrimsDedupesFiltersDoNotCall_AndReportsLines()
    {
        await Store.AddDoNotCallAsync(["blocked"]);
        const string csv = "callee,name\n  alice ,A\nbob,B\nalice,A again\n\nblocked,X\n,empty\ncarol;dave,group\n";

        var report = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv));

        Assert.Equal(3, report.Imported);
        Assert.Equal(
            ["4: duplicate of line 2", "6: callee 'blocked' is on the do-not-call list", "7: callee is empty"],
            report.Rejected.Select(r => $"{r.Line}: {r.Reason}"));
        var targets = await Store.GetTargetsAsync(Campaign, 0, 10);
        Assert.Equal(["alice", "bob", "carol,dave"], targets.Select(t => string.Join(',', t.Callees)));
    }

    [Fact]
    public async Task Import_SameFileTwice_ImportsNothingTheSecondTime()
    {
        const string csv = "a\nb\nc\n";

        await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv));
        var again = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv));

        Assert.Equal((0, 3), (again.Imported, again.AlreadyPresent));
        Assert.Equal(3, (await Store.GetTargetsAsync(Campaign, 0, 10)).Count);
    }

    [Fact]
    public async Task Import_IntoAnUnregisteredCampaign_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => CalleeImporter.ImportAsync(Store, "ghost", new StringReader("a\n")));
    }
}
