namespace Campaigns.Workflows.Tests;

/// <summary>
/// <c>bash tests/run.sh --quick</c> leaves out the classes marked <c>[Trait("Needs", "Temporal")]</c>: a class on a
/// Temporal server without the mark would run in the quick loop and fail there for want of a server.
/// </summary>
public sealed class QuickLoopTests
{
    private static readonly string[] ServerCollections = [TemporalTests.Name, TimeSkippingTests.Name];

    [Fact]
    public void EveryClassOnATemporalServer_IsLeftOutOfTheQuickLoop()
    {
        var unmarked = typeof(QuickLoopTests).Assembly.GetTypes()
            .Where(t => Arguments(t, typeof(CollectionAttribute)).Any(a => ServerCollections.Contains(a[0])))
            .Where(t => !Arguments(t, typeof(TraitAttribute)).Any(a => a is ["Needs", "Temporal"]))
            .Select(t => t.Name)
            .ToList();
        Assert.True(unmarked.Count == 0, "add [Trait(\"Needs\", \"Temporal\")] to: " + string.Join(", ", unmarked));
    }

    // The string arguments of each attribute of that type on the class.
    private static IEnumerable<string?[]> Arguments(Type type, Type attribute) =>
        type.GetCustomAttributesData().Where(d => d.AttributeType == attribute).Select(d => d.ConstructorArguments.Select(a => a.Value as string).ToArray());
}
