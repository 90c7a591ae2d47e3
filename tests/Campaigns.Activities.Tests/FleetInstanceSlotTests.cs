using Campaigns.Activities.Fleet;

namespace Campaigns.Activities.Tests;

/// <summary>
/// The host's instance slots (file locks): a live holder's slot is never taken, a released one is, and its taker
/// learns every earlier holder's member id (they can send nothing any more). One process stands for several
/// here: a lock taken through another open file conflicts like another process's.
/// </summary>
public sealed class FleetInstanceSlotTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "slots-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void LiveHoldersKeepTheirSlots_AReleasedSlotNamesItsDeadHolders()
    {
        using var first = FleetInstanceSlot.TryTake(directory, "w1", TimeProvider.System, out var problem);
        Assert.Null(problem);
        Assert.Equal((0, 0), (first!.Slot, first.Predecessors.Count));

        // Alive at once: another slot, knowing nobody.
        using (var second = FleetInstanceSlot.TryTake(directory, "w2", TimeProvider.System, out _))
        {
            Assert.Equal(1, second!.Slot);
            Assert.Empty(second.Predecessors);
        }

        // w2 is gone (its lock released, as at exit or SIGKILL): w3 takes slot 1 and learns w2 is dead, never w1.
        using var third = FleetInstanceSlot.TryTake(directory, "w3", TimeProvider.System, out _);
        Assert.Equal(1, third!.Slot);
        Assert.Equal(["w2"], third.Predecessors);
        third.Dispose();

        using var fourth = FleetInstanceSlot.TryTake(directory, "w4", TimeProvider.System, out _);
        Assert.Equal(["w2", "w3"], fourth!.Predecessors);
        Assert.DoesNotContain("w1", fourth.Predecessors);
    }

    [Fact]
    public void TheDirectoryIsPerRegistry_AndNamesNoCredentials()
    {
        var a = FleetInstanceSlot.DirectoryOf(directory, "PostgreSQL db1:5432/outcomes");
        var b = FleetInstanceSlot.DirectoryOf(directory, "PostgreSQL db2:5432/outcomes");

        Assert.NotEqual(a, b);
        Assert.Equal(a, FleetInstanceSlot.DirectoryOf(directory, "PostgreSQL db1:5432/outcomes"));
        Assert.DoesNotContain("db1", a, StringComparison.Ordinal);
    }

    [Fact]
    public void InFlightActivities_HandOverTheTokensADeadHolderLeft_UntilSettled()
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "slot-0.tasks");
        byte[] a = [1, 2, 3], b = [4, 5];
        File.WriteAllLines(file, [Convert.ToBase64String(a), Convert.ToBase64String(b), "not base64!"]);

        var ledger = new InFlightActivities();
        var orphans = ledger.Attach(file);

        Assert.Equal([a, b], orphans);
        ledger.Settled(a);
        // What is not failed yet stays for the next holder; the torn line is gone.
        Assert.Equal([Convert.ToBase64String(b)], File.ReadAllLines(file));
        ledger.Settled(b);
        Assert.Empty(File.ReadAllLines(file));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
