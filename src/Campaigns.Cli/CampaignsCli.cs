using System.CommandLine;
using Campaigns.Cli.Commands;
using Campaigns.Cli.Connection;
using Campaigns.Storage;
using Temporalio.Exceptions;

namespace Campaigns.Cli;

/// <summary>
/// The <c>campaigns</c> command line: builds the command tree and runs one invocation. Expected failures are
/// printed as what was wrong and what to do, with an exit code from <see cref="ExitCodes"/>; never a stack trace.
/// </summary>
public static class CampaignsCli
{
    /// <summary>Runs the CLI with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(io);
        var globals = new GlobalOptions();
        var root = Build(globals, io);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await io.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            var command = string.Join(' ', parse.CommandResult.Command is RootCommand ? ["campaigns"] : Path(parse.CommandResult.Command, root));
            await io.Error.WriteLineAsync($"  what to do: see `{command} --help`").ConfigureAwait(false);
            return ExitCodes.Invalid;
        }

        var invocation = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program.cs turns Ctrl-C into the cancellation token
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the top of the CLI: every failure becomes a message and an exit code
        catch (Exception e)
#pragma warning restore CA1031
        {
            return await ReportAsync(e, io, cancellationToken).ConfigureAwait(false);
        }
    }

    private static RootCommand Build(GlobalOptions globals, CliIo io)
    {
        var root = new RootCommand(
            "campaigns: validate, submit and steer robot-call campaigns on Temporal, and read the outcome store.\n" +
            "Exit codes: 0 ok, 1 failed or refused, 2 bad usage or invalid input (nothing changed), 3 cannot reach Temporal or the store.");
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        var commands = new CommandFactory(globals, io);
        root.Subcommands.Add(ValidateCommand.Create(commands));
        root.Subcommands.Add(ForecastCommand.Create(commands));
        root.Subcommands.Add(SubmitCommand.Create(commands));
        root.Subcommands.Add(ImportCommand.Create(commands));
        root.Subcommands.Add(StatusCommand.Create(commands));
        root.Subcommands.Add(ListCommand.Create(commands));
        root.Subcommands.Add(ScheduleCommands.Create(commands));
        foreach (var control in ControlCommands.Create(commands))
        {
            root.Subcommands.Add(control);
        }

        root.Subcommands.Add(ExportCommand.Create(commands));
        root.Subcommands.Add(DncCommands.Create(commands));
        root.Subcommands.Add(PolicyCommands.Create(commands));
        root.Subcommands.Add(HolidaysCommands.Create(commands));
        root.Subcommands.Add(CallbacksCommands.Create(commands));
        return root;
    }

    private static List<string> Path(Command command, RootCommand root)
    {
        var names = new List<string>();
        void Find(Command at, List<string> trail)
        {
            if (at == command)
            {
                names = [.. trail];
                return;
            }

            foreach (var sub in at.Subcommands)
            {
                Find(sub, [.. trail, sub.Name]);
            }
        }

        Find(root, ["campaigns"]);
        return names;
    }

    private static async Task<int> ReportAsync(Exception e, CliIo io, CancellationToken cancellationToken)
    {
        var failure = e switch
        {
            CliException cli => cli,
            OperationCanceledException when cancellationToken.IsCancellationRequested =>
                new CliException(ExitCodes.Interrupted, "interrupted", "what was already done stays done (a started campaign keeps running)"),
            OutcomeStoreUnavailableException store => StoreConnector.Unavailable(store),
            RpcException rpc => new CliException(
                rpc.Code == RpcException.StatusCode.Unavailable ? ExitCodes.Unavailable : ExitCodes.Failed,
                $"Temporal answered {rpc.Code}: {rpc.Message}",
                rpc.Code == RpcException.StatusCode.Unavailable ? TemporalConnector.ConnectRemedy : "check the connection settings and try again"),
            _ => new CliException(
                ExitCodes.Failed,
                $"unexpected {e.GetType().Name}: {e.Message}",
                "this is a bug in the CLI; set CAMPAIGNS_TRACE=1 to print the stack trace, and report it"),
        };
        await io.Error.WriteLineAsync("error: " + failure.Message).ConfigureAwait(false);
        foreach (var line in failure.Details)
        {
            await io.Error.WriteLineAsync("  " + line).ConfigureAwait(false);
        }

        if (failure.Remedy is not null)
        {
            await io.Error.WriteLineAsync("  what to do: " + failure.Remedy).ConfigureAwait(false);
        }

        if (io.Environment("CAMPAIGNS_TRACE") is "1")
        {
            await io.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
        }

        return failure.ExitCode;
    }
}
