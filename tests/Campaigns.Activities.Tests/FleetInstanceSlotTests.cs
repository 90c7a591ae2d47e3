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
    public void AHolderThatNeverOpened_LeavesItsSuccessorOnlyItsOwnQuiet()
    {
        var time = new ManualClock(T0);
        var first = FleetInstanceSlot.TryTake(directory, "w1", time, out _)!;
        Assert.Equal(T0, first.QuietUntil); // nobody held the slot before: nothing to wait for
        Assert.True(first.Opening(T0 + S(0.5)));
        time.Now = T0 + S(1);
        first.Dispose(); // w1 may have sent until its death

        var second = FleetInstanceSlot.TryTake(directory, "w2", time, out _)!;
        Assert.Equal(T0 + S(1) + FleetShare.ReclaimQuiet, second.QuietUntil);
        time.Now = T0 + S(2);
        second.Dispose(); // dead before its gates opened: it sent nothing

        var third = FleetInstanceSlot.TryTake(directory, "w3", time, out _)!;
        Assert.Equal(second.QuietUntil, third.QuietUntil); // w1's quiet still, not one after w2
        Assert.Equal(["w1", "w2"], third.Predecessors);
        Assert.True(third.Opening(T0 + S(4))); // its gates were to open after its death (below): it sent nothing
        time.Now = T0 + S(3.5);
        third.Dispose();

        var fourth = FleetInstanceSlot.TryTake(directory, "w4", time, out _)!;
        Assert.Equal(second.QuietUntil, fourth.QuietUntil);
        time.Now = T0 + S(5);
        Assert.True(fourth.Opening(T0 + S(5)));
        fourth.Dispose();

        using var fifth = FleetInstanceSlot.TryTake(directory, "w5", time, out _)!;
        Assert.Equal(T0 + S(5) + FleetShare.ReclaimQuiet, fifth.QuietUntil);
    }

    [Theory]
    [InlineData("w1")] // an older worker's line: the id only
    [InlineData("w1 quiet=1000 opens=2000")] // torn: no final "."
    [InlineData("w1 quiet=1000 opens=20")]
    [InlineData("w1 quiet=x .")]
    public void ALineThatSaysNothingSure_CostsTheFullQuiet(string line)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "slot-0.lock"), line + "\n");
        var takenAt = DateTimeOffset.FromUnixTimeMilliseconds(10_000);

        using var slot = FleetInstanceSlot.TryTake(directory, "w2", new ManualClock(takenAt), out _)!;

        Assert.Equal(takenAt + FleetShare.ReclaimQuiet, slot.QuietUntil);
        Assert.Equal(["w1"], slot.Predecessors);
    }

    [Fact]
    public void QuietAfter_OnlyAHolderThatMayHaveSentCostsAQuiet()
    {
        var quiet = T0 + S(1);
        Assert.Equal(quiet, FleetInstanceSlot.QuietAfter(T0 + S(5), quiet, opens: null));
        Assert.Equal(quiet, FleetInstanceSlot.QuietAfter(T0 + S(5), quiet, opens: T0 + S(5.1)));
        Assert.Equal(T0 + S(5) + FleetShare.ReclaimQuiet, FleetInstanceSlot.QuietAfter(T0 + S(5), quiet, opens: T0 + S(5)));
        Assert.Equal(T0 + S(5) + FleetShare.ReclaimQuiet, FleetInstanceSlot.QuietAfter(T0 + S(5), quiet, opens: T0 + S(4.9)));
        Assert.Equal(T0 + S(5) + FleetShare.ReclaimQuiet, FleetInstanceSlot.QuietAfter(T0 + S(5), quiet: null, opens: null));
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

    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
