namespace Campaigns.Demo;

/// <summary>
/// Runs the dev server in a session (and process group) of its own, through a launcher script that execs
/// <c>setsid</c>: a terminal's Ctrl-C reaches the whole foreground process group, and a dev server in the demo's
/// group would stop on it at once, while the worker is still draining against it (15–30 s of reconnect noise).
/// In its own session only the demo hears Ctrl-C, and it stops the worker, the simulator and then the server in order.
/// The launcher keeps the server's pid (setsid forks only when it already leads a group, which a child of the
/// demo does not), so the SDK still stops the very process it started.
/// </summary>
internal sealed class OwnSession : IDisposable
{
    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    private readonly string folder;

    private OwnSession(string folder, string launcher)
    {
        this.folder = folder;
        Launcher = launcher;
    }

    /// <summary>The executable to hand the SDK in place of the CLI (same arguments).</summary>
    public string Launcher { get; }

    /// <summary>A launcher for <paramref name="cli"/>; null where setsid is missing (not Linux): the server starts plainly.</summary>
    public static OwnSession? For(string cli)
    {
        var setsid = SetsidPaths.FirstOrDefault(File.Exists);
        if (!OperatingSystem.IsLinux() || setsid is null || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("campaigns-demo-launcher-").FullName;
        var launcher = Path.Combine(folder, "temporal");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec {Quote(setsid)} -- {Quote(cli)} \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new OwnSession(folder, launcher);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover launcher in /tmp is harmless.
        }
    }

    // A POSIX shell word: single quotes, each ' written as '\''.
    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
