using System.Text;
using Campaigns.Storage.Csv;
using Campaigns.Storage.Model;

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

        Assert.Equal((0, 3, 3), (again.Imported, again.AlreadyPresent, again.Rows));
        Assert.Equal(3, (await Store.GetTargetsAsync(Campaign, 0, 10)).Count);
    }

    [Fact]
    public async Task Import_IntoAnUnregisteredCampaign_IsRefused()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => CalleeImporter.ImportAsync(Store, "ghost", new StringReader("a\n")));

        Assert.Contains("'ghost' is not registered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_EveryRowIsAccountedFor_ImportedDuplicateOrRejectedWithItsLine()
    {
        await Store.AddDoNotCallAsync(["dnc"]);
        await CalleeImporter.ImportAsync(Store, Campaign, new StringReader("old1\nold2\n"));
        const string csv =
            "\uFEFFcallee;name\n" +
            "alice;Alice\n" +             // 2 imported
            "old1;Old\n" +                // 3 already present
            "\"bob;Bob\n" +               // 4 unterminated quote
            "carol|dave;group\n" +        // 5 imported (a group: ';' is the delimiter here)
            "\n" +                        // 6 blank: not a row
            "alice;again\n" +             // 7 duplicate of line 2
            "dnc;listed\n" +              // 8 on the do-not-call list
            "ali\u200Bce;invisible\n" +   // 9 zero-width space
            "e\u0301ve;decomposed\n" +    // 10 not the vendor's alphabet (ASCII), composed or not
            "a|b|c|d|e|f|g|h|i;nine\n" +  // 11 group too large
            "old2;Old\n";                 // 12 already present

        var report = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv));

        Assert.Equal(10, report.Rows);
        Assert.Equal((2, 2), (report.Imported, report.AlreadyPresent));
        Assert.Equal([4, 7, 8, 9, 10, 11], report.Rejected.Select(r => r.Line));
        Assert.Equal(report.Rows, report.Imported + report.AlreadyPresent + report.Rejected.Count);
        Assert.Contains("U+200B", report.Rejected[3].Reason, StringComparison.Ordinal);
        Assert.Contains("not a letter, digit, '_' or '-'", report.Rejected[4].Reason, StringComparison.Ordinal);
        Assert.Contains("limit of 8", report.Rejected[5].Reason, StringComparison.Ordinal);
        var targets = await Store.GetTargetsAsync(Campaign, 2, 10);
        Assert.Equal(["alice", "carol,dave"], targets.Select(t => string.Join(',', t.Callees)));
    }

    [Fact]
    public async Task Import_10kRowsWithOneUnterminatedQuote_LosesOnlyThatRow()
    {
        var csv = new StringBuilder("callee\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append(i == 2 ? "\"u2\n" : $"u{i}\n");
        }

        var report = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader(csv.ToString()));

        Assert.Equal((10_000, 9_999), (report.Rows, report.Imported));
        Assert.Equal((4, "malformed CSV: a quote is not closed on this line"), (Assert.Single(report.Rejected).Line, report.Rejected[0].Reason));
    }

    [Fact]
    public async Task AddTargets_LargeGroup_HasAFixedSizeKey_AndIsStillDeduplicated()
    {
        var store = SecondStore(new OutcomeStoreOptions { MaxGroupCallees = 500 });
        var group = Enumerable.Range(0, 300).Select(i => $"member-{i:D4}-abcdefghijklmnopq").ToList();

        var first = await store.AddTargetsAsync(Campaign, [group]);
        var reordered = await store.AddTargetsAsync(Campaign, [[.. Enumerable.Reverse(group)]]);

        Assert.Equal((1, 0), (first.Added, first.AlreadyPresent));
        Assert.Equal((0, 1), (reordered.Added, reordered.AlreadyPresent));
        Assert.Equal(64, Target.KeyOf(group).Length);
    }

    [Fact]
    public async Task AddTargets_GroupOverTheVendorsLimit_OrABadId_IsRefusedNamingTheTarget()
    {
        var nine = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTargetsAsync(Campaign, [["a"], ["a", "b", "c", "d", "e", "f", "g", "h", "i"]]));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTargetsAsync(Campaign, [["a"], ["b"], ["c\uFEFF"]]));

        Assert.Contains("targets[1]: a group of 9 callees exceeds the vendor's limit of 8 (9 people with the robot)", nine.Message, StringComparison.Ordinal);
        Assert.Contains("targets[2]: callee 'c\uFEFF' contains a byte-order mark", bad.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.GetTargetsAsync(Campaign, 0, 10));
    }

    [Fact]
    public async Task Import_InvisibleVariantOfADoNotCallCallee_IsRejectedNotImported()
    {
        await Store.AddDoNotCallAsync(["alice"]);

        var report = await CalleeImporter.ImportAsync(Store, Campaign, new StringReader("alice\u2060\nali\uFEFFce\nalic\uFFFD\n"));

        Assert.Equal(0, report.Imported);
        Assert.Equal(
            ["1: U+2060", "2: byte-order mark", "3: U+FFFD"],
            report.Rejected.Select(r => $"{r.Line}: {(r.Reason.Contains("U+2060", StringComparison.Ordinal) ? "U+2060" : r.Reason.Contains("byte-order", StringComparison.Ordinal) ? "byte-order mark" : r.Reason.Contains("U+FFFD", StringComparison.Ordinal) ? "U+FFFD" : r.Reason)}"));
    }
}
