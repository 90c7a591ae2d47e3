namespace Campaigns.Cli.Tests;

/// <summary>One invocation of the CLI: its exit code and what it printed.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";

    /// <summary>Asserts the exit code, showing everything printed when it differs.</summary>
    public CliRun Exits(int expected)
    {
        Assert.True(ExitCode == expected, $"expected exit {expected}, got {this}");
        return this;
    }

    /// <summary>No stack trace reaches the operator for an expected error.</summary>
    public CliRun NoStackTrace()
    {
        Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", Error, StringComparison.Ordinal);
        return this;
    }
}
