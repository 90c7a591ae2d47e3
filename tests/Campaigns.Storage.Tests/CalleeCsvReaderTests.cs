using Campaigns.Storage.Csv;

namespace Campaigns.Storage.Tests;

public class CalleeCsvReaderTests
{
    [Fact]
    public void Read_WithoutHeader_TakesTheFirstColumn()
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader("alice,x\nbob,y\n"));

        Assert.Equal(["alice", "bob"], accepted.Select(r => r.Callees[0]));
        Assert.Empty(rejected);
    }

    [Fact]
    public void Read_HeaderNamesTheColumn()
    {
        var (_, accepted, _) = CalleeCsvReader.Read(new StringReader("name,User_Id\nAlice,alice\nBob,bob\n"));

        Assert.Equal([(2, "alice"), (3, "bob")], accepted.Select(r => (r.Line, r.Callees[0])));
    }

    [Fact]
    public void Read_HeaderAfterAByteOrderMark_IsStillAHeader()
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader("\uFEFFcallee\r\nalice\r\n"));

        Assert.Equal([(2, "alice")], accepted.Select(r => (r.Line, r.Callees[0])));
        Assert.Empty(rejected);
    }

    [Fact]
    public void Read_GroupsAreSetsSeparatedBySemicolonOrBar()
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader("a;b\nc | d\nb;a\ne;e\n"));

        Assert.Equal(["a,b", "c,d"], accepted.Select(r => string.Join(',', r.Callees)));
        Assert.Equal(["3: duplicate of line 1", "4: callee 'e' appears twice in one group"], rejected.Select(r => $"{r.Line}: {r.Reason}"));
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789", "longer than 32 bytes")]
    [InlineData("\"has space\"", "contains a space")]
    [InlineData("a;", "a group has an empty callee")]
    public void Read_BadCallee_IsRejectedWithTheRule(string line, string reason)
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader("ok\n" + line + "\n"));

        Assert.Single(accepted);
        var row = Assert.Single(rejected);
        Assert.Equal(2, row.Line);
        Assert.Contains(reason, row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StrayQuote_RejectsThatRowOnly()
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader("a\nb\"ad\nc\n"));

        Assert.Equal(["a", "c"], accepted.Select(r => r.Callees[0]));
        var row = Assert.Single(rejected);
        Assert.Equal(2, row.Line);
        Assert.Contains("malformed CSV", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnterminatedQuote_RejectsThatLineOnly_AndReadsOn()
    {
        var (rows, accepted, rejected) = CalleeCsvReader.Read(new StringReader("a\n\"b\nc\n"));

        Assert.Equal(["a", "c"], accepted.Select(r => r.Callees[0]));
        Assert.Equal(["2: malformed CSV: a quote is not closed on this line"], rejected.Select(r => $"{r.Line}: {r.Reason}"));
        Assert.Equal(3, rows);
    }

    [Fact]
    public void Read_EmptyFile_IsEmpty()
    {
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader(string.Empty));

        Assert.Empty(accepted);
        Assert.Empty(rejected);
    }
}

public class CalleeCsvDialectTests
{
    [Fact]
    public void Read_SemicolonHeader_MakesSemicolonTheDelimiter_AndBarTheGroupSeparator()
    {
        var file = CalleeCsvReader.Read(new StringReader("Name;Callee\nAlice Smith;alice\nGroup;bob|carol\n"));

        Assert.Equal([(2, "alice"), (3, "bob,carol")], file.Accepted.Select(r => (r.Line, string.Join(',', r.Callees))));
        Assert.Empty(file.Rejected);
    }

    [Fact]
    public void Read_SepLine_SetsTheDelimiter_AndIsNotARow()
    {
        var file = CalleeCsvReader.Read(new StringReader("sep=;\nalice;Alice Smith\nbob;Bob\n"));

        Assert.Equal([(2, "alice"), (3, "bob")], file.Accepted.Select(r => (r.Line, r.Callees.Single())));
        Assert.Equal(2, file.Rows);
    }

    [Fact]
    public void Read_TabSeparatedWithHeader_ReadsTheCalleeColumn()
    {
        var file = CalleeCsvReader.Read(new StringReader("name\tuser_id\nAlice\talice\n"));

        Assert.Equal(["alice"], file.Accepted.Select(r => r.Callees.Single()));
    }

    [Theory]
    [InlineData("phone\n13800000000\n13900000000\n", "'phone'")]
    [InlineData("name,email\nalice,a@example.com\nbob,b@example.com\n", "'name'")]
    [InlineData("Mobile;Name\n138;A\n139;B\n", "'Mobile'")]
    public void Read_HeaderNamingNoCalleeColumn_IsNeverReadAsCallees_EveryRowRejectedSayingWhy(string csv, string word)
    {
        var file = CalleeCsvReader.Read(new StringReader(csv));

        Assert.Empty(file.Accepted);
        Assert.Equal([1, 2, 3], file.Rejected.Select(r => r.Line));
        Assert.StartsWith("looks like a header", file.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.All(file.Rejected, r => Assert.Contains($"no callee column: the header on line 1 ({word}) names none", r.Reason, StringComparison.Ordinal));
        Assert.Equal(3, file.Rows);
    }

    [Fact]
    public void Read_GroupLargerThanTheVendorAllows_IsRejectedWithItsLine()
    {
        var file = CalleeCsvReader.Read(new StringReader("a;b;c;d;e;f;g;h\na;b;c;d;e;f;g;h;i\n"));

        Assert.Equal([1], file.Accepted.Select(r => r.Line));
        var row = Assert.Single(file.Rejected);
        Assert.Equal((2, "a group of 9 callees exceeds the vendor's limit of 8 (9 people with the robot)"), (row.Line, row.Reason));
    }

    [Theory]
    [InlineData("ali\u200Bce", "an invisible format character (U+200B)")]
    [InlineData("ali\u200Dce", "an invisible format character (U+200D)")]
    [InlineData("ali\uFEFFce", "a byte-order mark (U+FEFF)")]
    [InlineData("ali\uFFFDce", "a replacement character (U+FFFD")]
    [InlineData("alice.smith", "'.', not a letter, digit, '_' or '-'")]
    [InlineData("\uFF41lice", "not a letter, digit, '_' or '-'")]
    public void Read_CalleeOutsideTheVendorsRule_IsRejectedNamingTheCharacter(string callee, string reason)
    {
        var file = CalleeCsvReader.Read(new StringReader($"callee\n{callee}\nok_id-1\n"));

        Assert.Equal(["ok_id-1"], file.Accepted.Select(r => r.Callees.Single()));
        var row = Assert.Single(file.Rejected);
        Assert.Equal(2, row.Line);
        Assert.Contains(reason, row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CountsAddUp_BlankLinesAndTheHeaderAreNotRows()
    {
        var file = CalleeCsvReader.Read(new StringReader("callee\n\na\n\"b\nb\"x\na\n \nc\n"));

        Assert.Equal(5, file.Rows);
        Assert.Equal(file.Rows, file.Accepted.Count + file.Rejected.Count);
        Assert.Equal([3, 8], file.Accepted.Select(r => r.Line));
    }
}
