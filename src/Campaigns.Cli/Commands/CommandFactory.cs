using System.CommandLine;
using Campaigns.Cli.Connection;

namespace Campaigns.Cli.Commands;

/// <summary>Gives every command its action with a <see cref="CliContext"/> (output, settings, lazy connections).</summary>
internal sealed class CommandFactory(GlobalOptions globals, CliIo io)
{
    public CliIo Io => io;

    /// <summary>Sets <paramref name="command"/>'s action; the context is disposed (store closed) afterwards.</summary>
    public Command WithAction(Command command, Func<ParseResult, CliContext, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext(io, ConnectionSettings.Resolve(parse, globals, io), cancellationToken);
            await using (context.ConfigureAwait(false))
            {
                return await action(parse, context).ConfigureAwait(false);
            }
        });
        return command;
    }
}
