using Campaigns.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Campaigns.Callbacks;

/// <summary>
/// The receiver's own Kestrel, started and stopped with the host that holds it (the worker). It has no logging of its
/// own (Kestrel's and ASP.NET Core's logs would print request paths, which hold the secret) and no middleware but
/// <see cref="CallbackEndpoint"/>.
/// </summary>
public sealed class CallbackServer(CallbackReceiverOptions options, IOutcomeStore store, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>The addresses it listens on once started (a port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses => app is null ? [] : [.. app.Urls.Select(u => new Uri(u))];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The endpoint reads at most MaxBodyBytes itself and answers 413 in the vendor's envelope; Kestrel's own
            // limit only stops a body far beyond it.
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes * 4L, 1024 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var endpoint = new CallbackEndpoint(options, store, loggers.CreateLogger<CallbackEndpoint>());
        app = builder.Build();
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
