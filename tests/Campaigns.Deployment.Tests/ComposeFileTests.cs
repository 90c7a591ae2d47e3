using System.Text.RegularExpressions;
using Campaigns.Activities;
using Campaigns.Storage;
using Campaigns.TencentCall;
using Campaigns.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Campaigns.Deployment.Tests;

/// <summary>docker-compose.yml, validated by a compose implementation (no Docker engine needed).</summary>
public sealed partial class ComposeFileTests
{
    // What a worker cannot run without, or what a deployment must decide (docs/deployment.md).
    private static readonly string[] RequiredWorkerKeys =
    [
        "Temporal:Address", "Temporal:Namespace", "Temporal:TaskQueue", "Temporal:MetricsPrometheus",
        "TencentCall:SdkAppId", "TencentCall:SecretKey", "TencentCall:AdminIdentifier", "TencentCall:Region",
        "ConnectionStrings:Outcomes",
        "Campaigns:Budget:Workers", "Campaigns:Budget:Headroom", "Campaigns:Budget:HeartbeatSeconds", "Campaigns:Budget:ExpirySeconds",
        "Campaigns:Watch:TimeScale",
        "Campaigns:Metrics:PrometheusUrl",
    ];

    [Fact]
    public async Task The_file_validates_with_the_test_env_file()
    {
        var (code, _, error) = await Compose.RunAsync(Compose.TestEnv, "config", "-q");
        Assert.True(code == 0, $"{Compose.Command} config -q failed ({code}): {error}");

        var root = await Compose.ConfigAsync();
        var services = Compose.Services(root).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ToHashSet();
        Assert.Superset(new HashSet<string?> { "temporal-db", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui", "outcomes-db", "worker", "simulator" }, services);
    }

    [Theory]
    [InlineData("TENCENT_SECRET_KEY")]
    [InlineData("OUTCOMES_DB_PASSWORD")]
    [InlineData("TEMPORAL_DB_PASSWORD")]
    [InlineData("TENCENT_SDK_APP_ID")]
    public async Task A_missing_required_variable_is_refused_by_name(string variable)
    {
        var env = Compose.TestEnv.Where(kv => kv.Key != variable).ToDictionary();
        var (code, _, error) = await Compose.RunAsync(env, "config", "-q");
        Assert.NotEqual(0, code);
        Assert.Contains("set " + variable, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_image_tag_is_pinned()
    {
        var root = await Compose.ConfigAsync("--profile", "simulator");
        foreach (var (name, node) in Compose.Services(root).Children)
        {
            var service = (YamlMappingNode)node;
            var image = Compose.Scalar(service, "image");
            Assert.False(string.IsNullOrEmpty(image), $"service {name} names no image (a built one needs a tag too)");
            Assert.DoesNotContain("@", image, StringComparison.Ordinal); // digests would do, but none are used: keep tags readable
            var tag = image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : null;
            Assert.True(tag is not null && tag != "latest", $"service {name}: image {image} has no pinned tag");
            Assert.True(PinnedTag().IsMatch(tag), $"service {name}: image {image}: tag {tag} is not a version (major.minor…)");
        }
    }

    [Fact]
    public async Task No_secret_value_is_written_in_the_file()
    {
        var raw = await File.ReadAllTextAsync(Repo.ComposeFile);
        foreach (var value in Compose.Secrets.Values)
        {
            Assert.DoesNotContain(value, raw, StringComparison.Ordinal);
        }

        // Every secret-looking setting of every service is an interpolation, with no literal around it.
        var file = Compose.Parse(raw);
        foreach (var (name, node) in Compose.Services(file).Children)
        {
            foreach (var (key, value) in Compose.EnvironmentOf((YamlMappingNode)node))
            {
                if (SecretName().IsMatch(key))
                {
                    Assert.True(OnlyInterpolation().IsMatch(value), $"{name}: {key} must come from a variable, not \"{value}\"");
                }

                foreach (Match password in PasswordInConnectionString().Matches(value))
                {
                    Assert.True(OnlyInterpolation().IsMatch(password.Groups[1].Value), $"{name}: {key} writes a password into the file");
                }
            }
        }

        // …and the values do arrive where they belong.
        var worker = Compose.EnvironmentOf(Compose.Service(await Compose.ConfigAsync(), "worker"));
        Assert.Equal(Compose.Secrets["TENCENT_SECRET_KEY"], worker["TencentCall__SecretKey"]);
        Assert.Contains("Password=" + Compose.Secrets["OUTCOMES_DB_PASSWORD"] + ";", worker["ConnectionStrings__Outcomes"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_environment_names_every_required_key_and_binds_to_the_worker_options()
    {
        var env = Compose.EnvironmentOf(Compose.Service(await Compose.ConfigAsync(), "worker"));
        var keys = env.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var required in RequiredWorkerKeys)
        {
            Assert.True(keys.ContainsKey(required), $"the worker's environment does not set {required} ({required.Replace(":", "__", StringComparison.Ordinal)})");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(keys).Build();

        // Every key names a real option: a misspelt one would silently be ignored by the worker.
        Bind<TemporalOptions>(configuration, TemporalOptions.SectionName);
        Bind<TencentCallOptions>(configuration, TencentCallOptions.SectionName);
        Bind<OutcomeStoreOptions>(configuration, OutcomeStoreOptions.Section);
        Bind<CampaignWorkerOptions>(configuration, CampaignWorkerOptions.SectionName, except: "Metrics");
        Bind<Callbacks.CallbackReceiverOptions>(configuration, Callbacks.CallbackReceiverOptions.SectionName);
        var known = new[] { "Temporal:", "TencentCall:", "OutcomeStore:", "Campaigns:Budget:", "Campaigns:Watch:", "Callbacks:", "Logging:", "ConnectionStrings:Outcomes", WorkerTelemetry.PrometheusUrlKey };
        Assert.All(keys.Keys, key => Assert.True(known.Any(k => key.StartsWith(k, StringComparison.OrdinalIgnoreCase)), $"{key} is read by nothing in the worker"));

        // The worker's own host accepts the values (its validators run; nothing is started or connected).
        using var host = WorkerHost.CreateBuilder([], c => c.AddInMemoryCollection(keys)).Build();
        var tencent = host.Services.GetRequiredService<IOptions<TencentCallOptions>>().Value;
        Assert.Equal(Compose.Secrets["TENCENT_SECRET_KEY"], tencent.SecretKey);
        Assert.Null(tencent.BaseUrl); // an unset TENCENT_BASE_URL means the region's domain
        // No fixed fleet size unless CAMPAIGNS_WORKERS is set: `--scale worker=N` shares the vendor's limit by itself.
        var budget = host.Services.GetRequiredService<IOptions<CampaignWorkerOptions>>().Value.Budget;
        Assert.Null(budget.Workers);
        Assert.True(host.Services.GetRequiredService<Campaigns.Activities.Budget.ApiBudget>().Automatic);
        Assert.Equal((2, 10), (budget.HeartbeatSeconds, budget.ExpirySeconds));
        Assert.Equal("outcomes-db", new Npgsql.NpgsqlConnectionStringBuilder(keys["ConnectionStrings:Outcomes"]).Host);
    }

    [Fact]
    public async Task The_simulator_runs_only_in_its_profile_and_the_worker_waits_for_the_namespace()
    {
        var root = await Compose.ConfigAsync();
        foreach (var (name, node) in Compose.Services(root).Children)
        {
            var service = (YamlMappingNode)node;
            var profiles = Compose.List(service, "profiles");
            if (((YamlScalarNode)name).Value == "simulator")
            {
                Assert.Equal(["simulator"], profiles);
            }
            else
            {
                Assert.Empty(profiles);
                Assert.False(
                    service.Children.TryGetValue("depends_on", out var deps) && deps.ToString().Contains("simulator", StringComparison.Ordinal),
                    $"{name} depends on the simulator, which runs only with --profile simulator");
            }
        }

        var (code, output, error) = await Compose.RunAsync(Compose.TestEnv, "config", "--profiles");
        Assert.True(code == 0, error);
        Assert.Equal(["simulator"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var worker = Compose.Service(root, "worker");
        var dependsOn = (YamlMappingNode)worker["depends_on"];
        Assert.Equal("service_completed_successfully", Compose.Scalar((YamlMappingNode)dependsOn["temporal-namespace"], "condition"));
        Assert.Equal("service_healthy", Compose.Scalar((YamlMappingNode)dependsOn["outcomes-db"], "condition"));
    }

    private static void Bind<T>(IConfiguration configuration, string section, string? except = null)
        where T : new()
    {
        var part = configuration.GetSection(section);
        var filtered = new ConfigurationBuilder().AddInMemoryCollection(
            part.AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null && (except is null || !kv.Key.StartsWith(except, StringComparison.OrdinalIgnoreCase)))).Build();
        var error = Record.Exception(() => filtered.Get<T>(o => o.ErrorOnUnknownConfiguration = true));
        Assert.True(error is null, $"section {section}: {error?.Message}");
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+")]
    private static partial Regex PinnedTag();

    [GeneratedRegex("secret|password|pwd|api_?key|token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^(\$\{[A-Z0-9_]+(:?[-?][^}]*)?\})?$")]
    private static partial Regex OnlyInterpolation();

    [GeneratedRegex(@"Password=([^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInConnectionString();
}
