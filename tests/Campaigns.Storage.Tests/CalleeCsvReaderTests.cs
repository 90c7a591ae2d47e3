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
        var (_, accepted, rejected) = CalleeCsvReader.Read(new StringReader(""));

        Assert.Empty(accepted);
        Assert.Empty(rejected);
    }
}
