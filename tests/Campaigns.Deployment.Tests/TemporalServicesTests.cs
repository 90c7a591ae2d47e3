using System.Text.RegularExpressions;
using Campaigns.Workflows.Contract;
using Temporalio.Api.Enums.V1;
using YamlDotNet.RepresentationModel;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// The Temporal part of docker-compose.yml on supported images, as temporalio/samples-server lays it out: the
/// server image (never the deprecated auto-setup), admin-tools jobs for both schemas and for the namespace, each
/// step waiting on the one before.
/// </summary>
public sealed partial class TemporalServicesTests
{
    private static readonly string[] Databases = ["temporal", "temporal_visibility"];

    [Fact]
    public async Task The_server_runs_the_production_image_and_the_jobs_the_admin_tools_of_the_same_release()
    {
        // temporalio/auto-setup is deprecated and no longer built (the file's header may still name it, in a comment).
        Assert.DoesNotMatch(@"(?m)^\s*image:.*auto-setup", await File.ReadAllTextAsync(Repo.ComposeFile));
        var root = await Compose.ConfigAsync("--profile", "simulator");
        Assert.All(Compose.Services(root).Children.Values, node =>
            Assert.DoesNotContain("auto-setup", Compose.Scalar((YamlMappingNode)node, "image"), StringComparison.Ordinal));

        var server = Compose.Scalar(Compose.Service(root, "temporal"), "image")!;
        Assert.StartsWith("temporalio/server:", server, StringComparison.Ordinal);
        var version = server[(server.IndexOf(':', StringComparison.Ordinal) + 1)..];
        Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+$", version);
        foreach (var job in new[] { "temporal-schema", "temporal-namespace" })
        {
            // Upgraded together: the schema job must bring the databases to the schema of the server that follows.
            Assert.Equal("temporalio/admin-tools:" + version, Compose.Scalar(Compose.Service(root, job), "image"));
        }
    }

    [Fact]
    public async Task Each_step_waits_for_the_one_before()
    {
        var root = await Compose.ConfigAsync();
        Assert.Equal("service_healthy", Condition(root, "temporal-schema", "temporal-db"));
        Assert.Equal("service_completed_successfully", Condition(root, "temporal", "temporal-schema"));
        Assert.Equal("service_healthy", Condition(root, "temporal-namespace", "temporal"));
        Assert.Equal("service_healthy", Condition(root, "temporal-ui", "temporal"));
        Assert.Equal("service_completed_successfully", Condition(root, "worker", "temporal-namespace"));

        // Healthy means something: each awaited service checks itself.
        foreach (var name in new[] { "temporal-db", "temporal" })
        {
            var check = (YamlMappingNode)Compose.Service(root, name)["healthcheck"];
            Assert.NotEmpty(Compose.List(check, "test"));
        }

        Assert.Equal(["CMD", "nc", "-z", "127.0.0.1", "7233"], Compose.List((YamlMappingNode)Compose.Service(root, "temporal")["healthcheck"], "test"));

        // One-shot jobs: never restarted, so "completed successfully" is their one run.
        foreach (var job in new[] { "temporal-schema", "temporal-namespace" })
        {
            Assert.Equal("no", Compose.Scalar(Compose.Service(root, job), "restart"));
        }
    }

    [Fact]
    public async Task The_schema_job_creates_and_migrates_both_databases_the_server_reads()
    {
        var root = await Compose.ConfigAsync();
        var job = Compose.Service(root, "temporal-schema");
        var env = Compose.EnvironmentOf(job);
        var server = Compose.EnvironmentOf(Compose.Service(root, "temporal"));

        // The server's connection and the job's are the same database server, user and password.
        Assert.Equal("postgres12", env["SQL_PLUGIN"]);
        Assert.Equal("postgres12", server["DB"]);
        Assert.Equal(server["POSTGRES_SEEDS"], env["SQL_HOST"]);
        Assert.Equal("temporal-db", env["SQL_HOST"]);
        Assert.Equal(server["DB_PORT"], env["SQL_PORT"]);
        Assert.Equal(server["POSTGRES_USER"], env["SQL_USER"]);
        Assert.Equal(Compose.Secrets["TEMPORAL_DB_PASSWORD"], env["SQL_PASSWORD"]);
        Assert.Equal(Compose.Secrets["TEMPORAL_DB_PASSWORD"], server["POSTGRES_PWD"]);
        Assert.Equal(Databases, new[] { server["DBNAME"], server["VISIBILITY_DBNAME"] });

        var script = Scripts.Of(job);
        Assert.StartsWith("set -eu\n", script, StringComparison.Ordinal); // a failed step fails the job, and the server waits
        var steps = Regex.Matches(script, @"^temporal-sql-tool (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(
        [
            "--db temporal create",
            "--db temporal setup-schema -v 0.0",
            "--db temporal update-schema -d \"$schema/temporal/versioned\"",
            "--db temporal_visibility create",
            "--db temporal_visibility setup-schema -v 0.0",
            "--db temporal_visibility update-schema -d \"$schema/visibility/versioned\"",
        ],
        steps);
        Assert.Contains("schema=/etc/temporal/schema/postgresql/v12\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_script_runs_every_step_in_order_and_stops_at_the_first_failure()
    {
        var job = Compose.Service(await Compose.ConfigAsync(), "temporal-schema");
        var script = Scripts.Of(job);
        var bin = Directory.CreateTempSubdirectory("campaigns-sqltool-");
        try
        {
            // A stand-in for temporal-sql-tool that records its arguments and fails on the step named by FAIL_ON.
            var calls = Path.Combine(bin.FullName, "calls");
            await File.WriteAllTextAsync(
                Path.Combine(bin.FullName, "temporal-sql-tool"),
                "#!/bin/sh\necho \"$SQL_PLUGIN $SQL_HOST $*\" >> \"$CALLS\"\n[ \"$*\" != \"${FAIL_ON:-}\" ]\n");
            // The script runs under /bin/sh: the tests run on Linux.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(bin.FullName, "temporal-sql-tool"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var env = new Dictionary<string, string>(Compose.EnvironmentOf(job)) { ["PATH"] = bin.FullName + ":/usr/bin:/bin", ["CALLS"] = calls };

            var run = await Scripts.RunAsync("/bin/sh", ["-c", script], env);
            Assert.True(run.Code == 0, run.Output);
            Assert.Contains("up to date", run.Output, StringComparison.Ordinal);
            var lines = await File.ReadAllLinesAsync(calls);
            Assert.Equal(6, lines.Length);
            Assert.All(lines, line => Assert.StartsWith("postgres12 temporal-db --db ", line, StringComparison.Ordinal));
            Assert.EndsWith("update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned", lines[^1], StringComparison.Ordinal);

            File.Delete(calls);
            env["FAIL_ON"] = "--db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned";
            run = await Scripts.RunAsync("/bin/sh", ["-c", script], env);
            Assert.NotEqual(0, run.Code);
            Assert.Equal(3, (await File.ReadAllLinesAsync(calls)).Length);
            Assert.DoesNotContain("up to date", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_namespace_job_registers_the_workflow_search_attributes_with_their_types()
    {
        var job = Compose.Service(await Compose.ConfigAsync(), "temporal-namespace");
        var env = Compose.EnvironmentOf(job);
        Assert.Equal("temporal:7233", env["TEMPORAL_ADDRESS"]);
        Assert.Equal("default", env["TEMPORAL_NAMESPACE"]);

        var script = Scripts.Of(job);
        Assert.Contains("temporal operator namespace create --namespace \"$TEMPORAL_NAMESPACE\"", script, StringComparison.Ordinal);
        var loop = LoopOver().Match(script);
        Assert.True(loop.Success, "no `for attribute in …` loop in the script");
        var names = loop.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([CampaignSearch.CampaignId.Name, CampaignSearch.CampaignStatus.Name], names);
        Assert.Equal(IndexedValueType.Keyword, CampaignSearch.CampaignId.ValueType);
        Assert.Equal(IndexedValueType.Keyword, CampaignSearch.CampaignStatus.ValueType);
        Assert.Contains("--name \"$attribute\" --type Keyword", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_dynamic_config_is_mounted_from_the_repository()
    {
        var server = Compose.Service(await Compose.ConfigAsync(), "temporal");
        var path = Compose.EnvironmentOf(server)["DYNAMIC_CONFIG_FILE_PATH"];
        var mounts = ((YamlSequenceNode)server["volumes"]).Children.Select(Mount).ToList();
        var mount = Assert.Single(mounts, m => path.StartsWith(m.Target + "/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnly, "the dynamic config folder is mounted writable");
        var file = Path.Combine(mount.Source, path[(mount.Target.Length + 1)..]);
        Assert.True(File.Exists(file), $"{file} does not exist: the server refuses to start without its dynamic config file");
        Assert.StartsWith(Repo.Root, Path.GetFullPath(file), StringComparison.Ordinal);

        // Valid YAML whose document, if any, is a mapping of keys (comments only is an empty config).
        var yaml = new YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(file)));
        Assert.All(yaml.Documents, d => Assert.IsType<YamlMappingNode>(d.RootNode));
    }

    private static string? Condition(YamlMappingNode root, string service, string dependency) =>
        Compose.Service(root, service).Children.TryGetValue("depends_on", out var node) && node is YamlMappingNode deps
            && deps.Children.TryGetValue(dependency, out var dep) && dep is YamlMappingNode map
            ? Compose.Scalar(map, "condition")
            : null;

    // Compose 1.x resolves a volume to "source:target[:mode]", Compose v2 to a mapping.
    private static (string Source, string Target, bool ReadOnly) Mount(YamlNode node) => node switch
    {
        YamlScalarNode scalar when scalar.Value!.Split(':') is [var source, var target, ..] parts => (source, target, parts.Length > 2 && parts[2].Split(',').Contains("ro")),
        YamlMappingNode map => (Compose.Scalar(map, "source")!, Compose.Scalar(map, "target")!, Compose.Scalar(map, "read_only") == "true"),
        _ => throw new InvalidOperationException("unexpected volume " + node),
    };

    [GeneratedRegex(@"for attribute in ([A-Za-z ]+); do")]
    private static partial Regex LoopOver();
}
