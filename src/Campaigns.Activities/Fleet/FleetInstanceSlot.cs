using System.Security.Cryptography;
using System.Text;

namespace Campaigns.Activities.Fleet;

/// <summary>
/// Proof that this worker's predecessors on this host can send nothing any more: one of a few lock files per
/// fleet (per registry database) in a directory of the host, held with an exclusive lock (<c>flock</c>) for the
/// whole life of the process. The kernel drops the lock only when the holder has exited (a SIGKILL included)
/// or let it go after leaving the fleet, so whoever takes a slot knows that every member id written in it by an
/// earlier holder belongs to a process that has stopped sending, at the latest when the lock was taken
/// (<see cref="TakenAt"/>). A restarted worker reclaims its predecessor's registry row with it
/// (<see cref="Storage.IFleetRegistry"/>), instead of waiting for the row to expire. Another host, or another
/// container with a directory of its own, never sees these files: its rows are waited for as before.
/// <para>
/// Each holder's line also says from when it may send: <c>quiet=</c> (the earliest its gates may open, written
/// when it takes the slot) and <c>opens=</c> (written before its gates first open, and only then may they). A
/// holder whose line has no <c>opens=</c>, or one later than its death, sent nothing: its successor waits only
/// for what that holder itself had to wait for (<see cref="QuietUntil"/>), not a quiet of its own again.
/// </para>
/// </summary>
internal sealed class FleetInstanceSlot : IDisposable
{
    /// <summary>Slots tried per fleet and host: workers alive at once on one host, at most.</summary>
    public const int MaxSlots = 64;

    // Member ids kept per slot file: earlier holders are dead, whichever of them still has a row.
    private const int Kept = 16;

    private readonly FileStream file;
    private readonly List<Holder> holders;
    private bool opening;

    private FleetInstanceSlot(FileStream file, int slot, List<Holder> holders, DateTimeOffset takenAt)
    {
        this.file = file;
        this.holders = holders;
        TasksFile = Path.ChangeExtension(file.Name, ".tasks");
        Slot = slot;
        Predecessors = [.. holders.SkipLast(1).Select(h => h.MemberId)];
        TakenAt = takenAt;
        QuietUntil = holders[^1].Quiet ?? takenAt + FleetShare.ReclaimQuiet;
    }

    /// <summary>The slot's number on this host.</summary>
    public int Slot { get; }

    /// <summary>Member ids of the slot's earlier holders: none of them can send any more.</summary>
    public IReadOnlyList<string> Predecessors { get; }

    /// <summary>The slot's activity task tokens (<see cref="InFlightActivities"/>): only its holder writes them.</summary>
    public string TasksFile { get; }

    /// <summary>When the lock was taken (local clock): every predecessor had stopped sending by then.</summary>
    public DateTimeOffset TakenAt { get; }

    /// <summary>
    /// The earliest this holder may send on a reclaimed row (<see cref="QuietAfter"/> of what the slot's file says).
    /// </summary>
    public DateTimeOffset QuietUntil { get; }

    /// <summary>
    /// The earliest a new holder that took the slot at <paramref name="takenAt"/> may send, given the last earlier
    /// holder's <paramref name="quiet"/> (the earliest it could send) and <paramref name="opens"/> (when its gates
    /// were to open; null: they never were). A holder that may have sent did so before <paramref name="takenAt"/>
    /// (it was dead by then): one <see cref="FleetShare.ReclaimQuiet"/> after it. One that cannot have sent leaves
    /// its own quiet to wait for, and nothing more. Nothing known (no earlier holder, an old file): the full quiet.
    /// </summary>
    public static DateTimeOffset QuietAfter(DateTimeOffset takenAt, DateTimeOffset? quiet, DateTimeOffset? opens) =>
        quiet is { } q && (opens is null || opens > takenAt) ? q : takenAt + FleetShare.ReclaimQuiet;

    /// <summary>
    /// Writes, before the gates may first open at <paramref name="openFrom"/>, that this holder may send from then
    /// (a successor then waits a quiet after its death). False when it could not be written: the gates must stay
    /// closed (a successor would read that this holder never sent), and this is tried again.
    /// </summary>
    public bool Opening(DateTimeOffset openFrom)
    {
        if (opening)
        {
            return true; // the first opening is the earliest: a successor waits for it already
        }

        try
        {
            holders[^1] = holders[^1] with { Opens = openFrom };
            Write(file, holders);
            opening = true;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The directory of a fleet's slots under <paramref name="root"/>, named after its registry (no credentials in it).</summary>
    public static string DirectoryOf(string root, string registryName) =>
        Path.Combine(root, "fleet-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(registryName)))[..16]);

    /// <summary>
    /// Takes the first free slot in <paramref name="directory"/> and writes <paramref name="memberId"/> into it
    /// (before this worker joins under it). Null, with the reason, when none can be had or the platform's file
    /// locks cannot be trusted (then nothing is reclaimed).
    /// </summary>
    public static FleetInstanceSlot? TryTake(string directory, string memberId, TimeProvider time, out string? problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(memberId);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot create {directory}: {e.Message}";
            return null;
        }

        for (var slot = 0; slot < MaxSlots; slot++)
        {
            var path = Path.Combine(directory, $"slot-{slot}.lock");
#pragma warning disable CA2000 // the slot takes the file (held for the process's life); every path that gives it up disposes it
            var file = TryLock(path);
#pragma warning restore CA2000
            if (file is null)
            {
                continue; // a live process holds it
            }

            try
            {
                var takenAt = time.GetUtcNow();
#pragma warning disable CA2000 // disposed in the branch; null (the usual case) holds nothing
                if (TryLock(path) is { } second)
#pragma warning restore CA2000
                {
                    // A second exclusive open succeeded: locks are off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) or not
                    // supported here, and a taken slot would prove nothing.
                    second.Dispose();
                    file.Dispose();
                    problem = $"file locks are not enforced in {directory}";
                    return null;
                }

                var earlier = Read(file);
                var last = earlier.Count > 0 ? earlier[^1] : null;
                var quiet = last is null ? takenAt : QuietAfter(takenAt, last.Quiet, last.Opens);
                List<Holder> holders = [.. earlier.TakeLast(Kept - 1), new Holder(memberId, quiet, null)];
                Write(file, holders);
                problem = null;
                return new FleetInstanceSlot(file, slot, holders, takenAt);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                file.Dispose();
                problem = $"cannot use {path}: {e.Message}";
                return null;
            }
        }

        problem = $"all {MaxSlots} slots in {directory} are held by live processes";
        return null;
    }

    /// <summary>Lets the slot go: only once this worker can send nothing more (it left the fleet, or is exiting).</summary>
    public void Dispose() => file.Dispose();

    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<Holder> Read(FileStream file)
    {
        file.Position = 0;
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var holders = new List<Holder>();
        while (reader.ReadLine() is { } line)
        {
            if (Holder.Parse(line) is { } holder)
            {
                holders.Add(holder);
            }
        }

        return holders;
    }

    // The whole file in one write: a holder killed mid-write leaves at worst a torn last line, read as a holder
    // known by id only (its successor waits the full quiet).
    private static void Write(FileStream file, IEnumerable<Holder> holders)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(holders.Select(h => h + "\n")));
        file.SetLength(0);
        file.Position = 0;
        file.Write(bytes);
        file.Flush(flushToDisk: false);
    }

    // One line of the slot's file: "memberId quiet=<unix ms> opens=<unix ms> ." (an older file has the id only). A
    // line cut short (a torn write) lacks the final "." and counts as known by id only: its successor waits the quiet.
    private sealed record Holder(string MemberId, DateTimeOffset? Quiet, DateTimeOffset? Opens)
    {
        public static Holder? Parse(string line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0)
            {
                return null;
            }

            DateTimeOffset? quiet = null, opens = null;
            if (parts.Length > 1 && parts[^1] != ".")
            {
                return new Holder(parts[0], null, null);
            }

            foreach (var part in parts.Skip(1).SkipLast(1))
            {
                var at = part.Split('=', 2) is [var key, var value] && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
                    && ms is > 0 and < 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
                if (at is null)
                {
                    return new Holder(parts[0], null, null); // unreadable: known by id only
                }

                switch (part[..part.IndexOf('=', StringComparison.Ordinal)])
                {
                    case "quiet":
                        quiet = at;
                        break;
                    case "opens":
                        opens = at;
                        break;
                }
            }

            return new Holder(parts[0], quiet, opens);
        }

        public override string ToString() =>
            MemberId + (Quiet is { } q ? FormattableString.Invariant($" quiet={q.ToUnixTimeMilliseconds()}") : string.Empty)
            + (Opens is { } o ? FormattableString.Invariant($" opens={o.ToUnixTimeMilliseconds()}") : string.Empty)
            + (Quiet is not null || Opens is not null ? " ." : string.Empty);
    }
}
