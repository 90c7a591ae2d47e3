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
/// </summary>
internal sealed class FleetInstanceSlot : IDisposable
{
    /// <summary>Slots tried per fleet and host: workers alive at once on one host, at most.</summary>
    public const int MaxSlots = 64;

    // Member ids kept per slot file: earlier holders are dead, whichever of them still has a row.
    private const int Kept = 16;

    private readonly FileStream file;

    private FleetInstanceSlot(FileStream file, int slot, IReadOnlyList<string> predecessors, DateTimeOffset takenAt)
    {
        this.file = file;
        TasksFile = Path.ChangeExtension(file.Name, ".tasks");
        Slot = slot;
        Predecessors = predecessors;
        TakenAt = takenAt;
    }

    /// <summary>The slot's number on this host.</summary>
    public int Slot { get; }

    /// <summary>Member ids of the slot's earlier holders: none of them can send any more.</summary>
    public IReadOnlyList<string> Predecessors { get; }

    /// <summary>The slot's activity task tokens (<see cref="InFlightActivities"/>): only its holder writes them.</summary>
    public string TasksFile { get; }

    /// <summary>When the lock was taken (local clock): every predecessor had stopped sending by then.</summary>
    public DateTimeOffset TakenAt { get; }

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
            var file = TryLock(path);
            if (file is null)
            {
                continue; // a live process holds it
            }

            try
            {
                var takenAt = time.GetUtcNow();
                if (TryLock(path) is { } second)
                {
                    // A second exclusive open succeeded: locks are off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) or not
                    // supported here, and a taken slot would prove nothing.
                    second.Dispose();
                    file.Dispose();
                    problem = $"file locks are not enforced in {directory}";
                    return null;
                }

                var predecessors = Read(file);
                Write(file, [.. predecessors.TakeLast(Kept - 1), memberId]);
                problem = null;
                return new FleetInstanceSlot(file, slot, predecessors, takenAt);
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

    private static List<string> Read(FileStream file)
    {
        file.Position = 0;
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var ids = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                ids.Add(line.Trim());
            }
        }

        return ids;
    }

    private static void Write(FileStream file, IEnumerable<string> ids)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', ids) + "\n");
        file.SetLength(0);
        file.Position = 0;
        file.Write(bytes);
        file.Flush(flushToDisk: false);
    }
}
