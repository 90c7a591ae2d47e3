using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Campaigns.Demo;

/// <summary>
/// Writes the worker's log lines to a file: on the console they would tear the live progress display apart.
/// Keeps the last few in memory, for the demo to show at the end (the file goes with the run's folder).
/// </summary>
public sealed class FileLoggerProvider(string path, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock gate = new();
    private StreamWriter? writer;
    private readonly Queue<string> last = new();
    private bool disposed;

    private LogLevel MinimumLevel { get; } = minimum;

    /// <summary>The log file.</summary>
    public string Path { get; } = path;

    /// <summary>Lines written so far.</summary>
    public int Lines { get; private set; }

    /// <summary>The last (at most 10) lines.</summary>
    public IReadOnlyList<string> LastLines
    {
        get
        {
            lock (gate)
            {
                return [.. last];
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            writer?.Dispose();
            writer = null;
            disposed = true; // a late line must not recreate the file in a folder being deleted
        }
    }

    private void Write(string line)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            writer ??= new StreamWriter(Path, append: true) { AutoFlush = true };
            writer.WriteLine(line);
            Lines++;
            last.Enqueue(line);
            if (last.Count > 10)
            {
                last.Dequeue();
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var time = DateTimeOffset.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            provider.Write($"{time} {logLevel} {category}: {formatter(state, exception)}" + (exception is null ? string.Empty : Environment.NewLine + exception));
        }
    }
}
