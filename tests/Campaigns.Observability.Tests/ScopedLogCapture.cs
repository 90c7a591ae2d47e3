using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Campaigns.Observability.Tests;

/// <summary>One log line as a structured sink (JSON console, OpenTelemetry) would get it: text and scopes.</summary>
internal sealed record CapturedLine(string Category, LogLevel Level, string Text, IReadOnlyDictionary<string, string> Scope, string ScopeText);

/// <summary>
/// Keeps every log line with the values of the scopes it was written in (the shared
/// <c>CapturingLoggerProvider</c> keeps text only). The logger factory hands it the scopes.
/// </summary>
internal sealed class ScopedLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLine> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLine> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Sink(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Sink(string category, ScopedLogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var texts = new List<string>();
            owner.scopes.ForEachScope(
                (scope, _) =>
                {
                    texts.Add(scope?.ToString() ?? string.Empty);
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            values[key] = value?.ToString() ?? string.Empty;
                        }
                    }
                },
                (object?)null);

            // Structured state too (a secret must not hide in a template argument that the message omits).
            var stateText = state is IEnumerable<KeyValuePair<string, object?>> fields
                ? string.Join(' ', fields.Select(f => $"{f.Key}={f.Value}"))
                : string.Empty;
            owner.lines.Enqueue(new CapturedLine(category, logLevel, $"{formatter(state, exception)} {stateText} {exception}", values, string.Join(" => ", texts)));
        }
    }
}
