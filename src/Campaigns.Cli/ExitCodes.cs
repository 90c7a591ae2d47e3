namespace Campaigns.Cli;

/// <summary>What the process exit code means (documented in src/Campaigns.Cli/README.md; scripts rely on it).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed: refused by the workflow, campaign not found, started before, failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or invalid input (a campaign file, a CSV, an option): nothing was changed.</summary>
    public const int Invalid = 2;

    /// <summary>Temporal or the outcome store could not be reached (or refused the connection settings).</summary>
    public const int Unavailable = 3;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}

/// <summary>An expected failure: what was wrong, what to do, and the exit code. Printed without a stack trace.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException(int exitCode, string problem, string? remedy = null, Exception? inner = null)
        : base(problem, inner)
    {
        ExitCode = exitCode;
        Remedy = remedy;
    }

    /// <summary>Creates the exception.</summary>
    public CliException()
        : this(ExitCodes.Failed, "failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public CliException(string message)
        : this(ExitCodes.Failed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CliException(string message, Exception innerException)
        : this(ExitCodes.Failed, message, null, innerException)
    {
    }

    /// <summary>See <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }

    /// <summary>What the operator can do about it.</summary>
    public string? Remedy { get; }

    /// <summary>Extra lines printed after the message (e.g. every problem of a campaign file).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
