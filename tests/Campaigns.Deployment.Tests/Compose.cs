using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// Runs a compose implementation (CAMPAIGNS_TEST_COMPOSE, e.g. Debian's <c>docker-compose</c> 1.29.2, which
/// tests/services.sh installs) on docker-compose.yml with an env file of test values, in an environment with
/// nothing else in it: the file must work from the env file alone.
/// </summary>
internal static class Compose
{
    // Test values only, each unique so that a test can look for it anywhere.
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["TEMPORAL_DB_PASSWORD"] = "test-temporal-db-pw-5c1e9a",
        ["OUTCOMES_DB_PASSWORD"] = "test-outcomes-db-pw-77b2d0",
        ["TENCENT_SECRET_KEY"] = "test-tencent-secret-key-0f4b63",
    };

    public static readonly IReadOnlyDictionary<string, string> TestEnv = new Dictionary<string, string>(Secrets)
    {
        ["TENCENT_SDK_APP_ID"] = "1400000001",
    };

    public static string Command => Environment.GetEnvironmentVariable("CAMPAIGNS_TEST_COMPOSE") is { Length: > 0 } command
        ? command
        : throw new InvalidOperationException(
            "CAMPAIGNS_TEST_COMPOSE is not set: run the tests with 'bash tests/run.sh', which installs Debian's docker-compose and sets it (or set it to a compose command, e.g. 'docker compose')");

    /// <summary>Runs <c>compose --env-file … -f docker-compose.yml ARGS</c>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var envFile = Path.Combine(Path.GetTempPath(), "campaigns-compose-" + Guid.NewGuid().ToString("N") + ".env");
        await File.WriteAllLinesAsync(envFile, env.Select(kv => $"{kv.Key}={kv.Value}"));
        try
        {
            var parts = Command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = new ProcessStartInfo(parts[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var part in parts.Skip(1).Concat(["--env-file", envFile, "-f", Repo.ComposeFile]).Concat(args))
            {
                start.ArgumentList.Add(part);
            }

            // Only what a shell needs: no variable of the test machine may fill in a value of the file.
            start.Environment.Clear();
            start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
            start.Environment["HOME"] = Path.GetTempPath();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            File.Delete(envFile);
        }
    }

    /// <summary>The resolved file (`config`), parsed; fails with compose's own message when it does not validate.</summary>
    public static async Task<YamlMappingNode> ConfigAsync(params string[] extra)
    {
        // The plain `config` is asked once per run (a Python compose takes seconds to start).
        var (code, output, error) = extra.Length == 0 ? await PlainConfig.Value : await RunAsync(TestEnv, [.. extra, "config"]);
        Assert.True(code == 0, $"{Command} config failed ({code}): {error}");
        return Parse(output);
    }

#pragma warning disable VSTHRD011 // the Lazy only starts the one run, on the first caller's thread; everyone awaits its task
    private static readonly Lazy<Task<(int ExitCode, string Output, string Error)>> PlainConfig = new(() => RunAsync(TestEnv, "config"));
#pragma warning restore VSTHRD011

    public static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlMappingNode Services(YamlMappingNode root) => (YamlMappingNode)root["services"];

    public static YamlMappingNode Service(YamlMappingNode root, string name) => (YamlMappingNode)Services(root)[name];

    /// <summary>A service's environment as a dictionary (mapping or KEY=value list).</summary>
    public static Dictionary<string, string> EnvironmentOf(YamlMappingNode service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!service.Children.TryGetValue("environment", out var node))
        {
            return result;
        }

        if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                result[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var item in ((YamlSequenceNode)node).Children.Cast<YamlScalarNode>())
            {
                var text = item.Value!;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                result[eq < 0 ? text : text[..eq]] = eq < 0 ? string.Empty : text[(eq + 1)..];
            }
        }

        return result;
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? (value as YamlScalarNode)?.Value : null;

    public static IReadOnlyList<string> List(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlSequenceNode seq
            ? [.. seq.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? string.Empty)]
            : [];
}
