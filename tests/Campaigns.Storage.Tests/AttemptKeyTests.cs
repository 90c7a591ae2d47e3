using Campaigns.Storage.Model;

namespace Campaigns.Storage.Tests;

public class AttemptKeyTests
{
    [Fact]
    public void For_IsShortStableAndDistinct()
    {
        var keys = Enumerable.Range(1, 10_000).SelectMany(seq => new[] { AttemptKey.For("c", seq, 1), AttemptKey.For("c", seq, 2) }).ToList();

        Assert.All(keys, k => Assert.Matches("^[a-z2-7]{16}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(AttemptKey.For("c", 1, 1), AttemptKey.For("c", 1, 1));
        Assert.NotEqual(AttemptKey.For("c", 1, 1), AttemptKey.For("d", 1, 1));
    }
}
