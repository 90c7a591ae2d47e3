using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Campaigns.Testing;

/// <summary>Keeps every log line written, so a test can prove no secret was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    /// <summary>Everything logged so far, message and exception text.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Sink(categoryName, lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Sink(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
