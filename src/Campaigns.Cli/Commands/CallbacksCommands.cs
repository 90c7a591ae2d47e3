using System.CommandLine;
using Campaigns.Cli.Connection;
using Campaigns.TencentCall;
using Campaigns.TencentCall.Errors;
using Campaigns.TencentCall.Models;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Campaigns.Cli.Commands;

/// <summary>
/// <c>callbacks set URL | get | delete</c>: the app's call-callback configuration at the vendor (v4 call_config). The URL's
/// last path segment is the receiver's secret (Callbacks:PathSecret): <c>get</c> masks it unless asked.
/// </summary>
internal static class CallbacksCommands
{
    public static Command Create(CommandFactory factory)
    {
        var callbacks = new Command("callbacks", "The vendor's call callbacks: where Tencent POSTs call events (docs/callbacks.md)");
        callbacks.Subcommands.Add(Set(factory));
        callbacks.Subcommands.Add(Get(factory));
        callbacks.Subcommands.Add(Delete(factory));
        return callbacks;
    }

    private static Command Set(CommandFactory factory)
    {
        var url = new Argument<string>("URL") { Description = "The receiver's URL, e.g. https://calls.example.com/tencent/callback/SECRET" };
        var commands = new Option<string[]>("--command")
        {
            Description = "Only these callbacks (repeatable; default: all three)",
            AllowMultipleArgumentsPerToken = true,
        };
        commands.AcceptOnlyFromAmong([.. CallbackConfig.AllCommands]);
        var command = new Command("set", "Make Tencent POST call events to URL (replaces the app's configuration)") { url, commands };
        return factory.WithAction(command, (parse, context) => WithClientAsync(context, async client =>
        {
            var given = parse.GetValue(url)!;
            if (!Uri.TryCreate(given, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliException(
                    ExitCodes.Invalid, "URL must be an absolute http:// or https:// URL", "campaigns callbacks set https://HOST/tencent/callback/SECRET");
            }

            var only = parse.GetValue(commands) is { Length: > 0 } list ? list : null;
            await client.SetCallbackAsync(uri, only, context.Cancel).ConfigureAwait(false);
            var sent = string.Join(", ", only ?? [.. CallbackConfig.AllCommands]);
            context.Io.Console.MarkupLine($"callbacks set: {Markup.Escape(Masked(uri))} ({Markup.Escape(sent)})");
            return ExitCodes.Ok;
        }));
    }

    private static Command Get(CommandFactory factory)
    {
        var reveal = new Option<bool>("--reveal") { Description = "Print the URL's secret segment too" };
        var command = new Command("get", "Show where Tencent POSTs call events") { reveal };
        return factory.WithAction(command, (parse, context) => WithClientAsync(context, async client =>
        {
            var config = await client.GetCallbackAsync(context.Cancel).ConfigureAwait(false);
            if (config is null)
            {
                context.Io.Console.MarkupLine("no callbacks configured");
                return ExitCodes.Ok;
            }

            var shown = parse.GetValue(reveal) ? config.Url.AbsoluteUri : Masked(config.Url);
            context.Io.Console.MarkupLine($"url: {Markup.Escape(shown)}");
            context.Io.Console.MarkupLine($"commands: {Markup.Escape(string.Join(", ", config.Commands))}");
            return ExitCodes.Ok;
        }));
    }

    private static Command Delete(CommandFactory factory)
    {
        var command = new Command("delete", "Stop Tencent's call callbacks (calls are then watched by polling alone)");
        return factory.WithAction(command, (parse, context) => WithClientAsync(context, async client =>
        {
            await client.DeleteCallbackAsync(context.Cancel).ConfigureAwait(false);
            context.Io.Console.MarkupLine("callbacks deleted");
            return ExitCodes.Ok;
        }));
    }

    private static async Task<int> WithClientAsync(CliContext context, Func<ICallbackConfigClient, Task<int>> work)
    {
        var provider = TencentConnector.Connect(context.Io);
        await using (provider.ConfigureAwait(false))
        {
            try
            {
                return await work(provider.GetRequiredService<ICallbackConfigClient>()).ConfigureAwait(false);
            }
            catch (TencentCallException e)
            {
                var exit = e.Kind is TencentErrorKind.Retryable or TencentErrorKind.RateLimited or TencentErrorKind.Unknown
                    ? ExitCodes.Unavailable
                    : ExitCodes.Failed;
                var hint = e.Kind == TencentErrorKind.Auth
                    ? "check TencentCall__SdkAppId, TencentCall__SecretKey and TencentCall__AdminIdentifier"
                    : null;
                throw new CliException(exit, "Tencent refused or did not answer: " + e.Message, hint, e);
            }
        }
    }

    // The last path segment is the receiver's secret: shown as *** unless --reveal.
    private static string Masked(Uri url)
    {
        var path = url.AbsolutePath;
        var cut = path.TrimEnd('/').LastIndexOf('/');
        var masked = cut < 0 || cut == path.TrimEnd('/').Length - 1 ? path : path[..(cut + 1)] + "***";
        return $"{url.Scheme}://{url.Authority}{masked}";
    }
}
